// The trigger editor: the visual builder and the rule text in sync both ways,
// live evaluation against samples, and errors at their exact place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, screenshot, ruleShown, until } from '../harness.mjs';

const SEED = '(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))';

const app = appUnderTest();

async function fresh() {
  const opened = await app.open('', { wait: ruleShown });
  return opened;
}

async function blankConnection(page) {
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption({ label: 'Blank connection' });
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Built in the builder');
}

async function pickVariable(condition, name) {
  const picker = condition.getByRole('combobox', { name: 'Variable' });
  await picker.click();
  await picker.fill(name);
  await picker.press('Enter');
}

const ruleText = (page) => page.getByRole('textbox', { name: 'Rule' }).inputValue();
const result = (page) => page.getByTestId('rule-result').getAttribute('data-value');

test('the seed rule built with the builder alone gives the seed text', async () => {
  const { page, context, problems } = await fresh();
  await blankConnection(page);
  assert.equal(await ruleText(page), '');
  const top = page.getByTestId('group').first();
  await top.getByRole('button', { name: '+ Condition' }).last().click();
  const first = page.getByTestId('condition').nth(0);
  await pickVariable(first, 'status-days-past-due');
  await first.getByRole('spinbutton', { name: 'Value' }).fill('5');
  await top.getByRole('button', { name: '+ Group' }).last().click();
  const inner = page.getByTestId('group').nth(1);
  assert.equal(await inner.getByRole('combobox', { name: 'Match' }).inputValue(), 'any');
  await inner.getByRole('button', { name: '+ Condition' }).click();
  await pickVariable(page.getByTestId('condition').nth(1), 'loan-status');
  await inner.getByRole('button', { name: '+ Condition' }).click();
  const third = page.getByTestId('condition').nth(2);
  await pickVariable(third, 'loan-status');
  await third.getByRole('combobox', { name: 'Value' }).selectOption('Collections');
  assert.equal(await ruleText(page), SEED);
  assert.equal(await result(page), 'true');
  await screenshot(page, 'trigger-built-with-builder');
  assert.deepEqual(problems, []);
  await context.close();
});

test("a builder row's variable list shows over the rows below it, where it can be clicked", async () => {
  const { page, context, problems } = await fresh();
  // The seed's first condition has a group of two below it.
  const picker = page.getByTestId('condition').first().getByRole('combobox', { name: 'Variable' });
  await picker.click();
  await picker.fill('loan-st');
  const option = page.getByRole('listbox', { name: 'Variables' }).getByRole('option').first();
  await option.waitFor();
  // Rows out of view skip painting (content-visibility), which clipped the list to its row.
  const box = await option.boundingBox();
  const hit = await page.evaluate(([x, y]) => !!document.elementFromPoint(x, y)?.closest('[role=listbox]'), [box.x + box.width / 2, box.y + box.height / 2]);
  assert.ok(hit, 'the first suggestion is painted where it is');
  await option.click();
  assert.match(await ruleText(page), /^\(and \(= loan-status "Open"\)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the seed rule pasted as text shows two groups and three conditions', async () => {
  const { page, context, problems } = await fresh();
  await blankConnection(page);
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  assert.equal(await page.getByTestId('group').count(), 2);
  assert.equal(await page.getByTestId('condition').count(), 3);
  assert.equal(await page.getByTestId('group').nth(1).getByRole('combobox', { name: 'Match' }).inputValue(), 'any');
  // Text the builder cannot show becomes an editable expression, not lost.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(and (= loan-status "Open") (> (+ status-amount-due 10) 100))');
  assert.equal(await page.getByTestId('expression').count(), 1);
  assert.match(await page.getByRole('textbox', { name: 'Expression' }).inputValue(), /\(> \(\+ status-amount-due 10\) 100\)/);
  await screenshot(page, 'trigger-pasted-text');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Alt+↑/↓ move a builder row, and focus stays with it so it can move again', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill(SEED);
  await page.getByTestId('condition').first().getByRole('combobox', { name: 'Operator' }).focus();
  await page.keyboard.press('Alt+ArrowDown');
  await until(async () => (await rule.inputValue()).startsWith('(and (or'), 'the condition moved below the group');
  const focused = () => page.evaluate(() => {
    const row = document.activeElement.closest('[data-path]');
    return [document.activeElement.getAttribute('aria-label'), row?.getAttribute('aria-label'), row?.dataset.path];
  });
  await until(async () => (await focused())[2] === '1', 'focus followed the row');
  assert.deepEqual(await focused(), ['Operator', 'Condition on status-days-past-due', '1']);
  // At the end it stays; Alt+↑ brings it back, still focused.
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+ArrowUp');
  await until(async () => (await rule.inputValue()) === SEED, 'moved back');
  await until(async () => (await focused())[2] === '0', 'focus followed it back');
  // The arrow buttons keep focus too: Enter twice moves the group up, then nothing more.
  await page.getByRole('button', { name: 'Move group up' }).focus();
  await page.keyboard.press('Enter');
  await until(async () => (await rule.inputValue()).startsWith('(and (or'), 'the group moved up');
  await until(async () => (await focused())[2] === '0', 'focus followed the group');
  assert.equal((await focused())[0], 'Move group down', 'its up arrow is disabled at the top, so the down arrow has focus');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a negated item moves and is removed from its NOT row; its inner row has no actions of its own', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill(SEED);
  await page.getByRole('button', { name: 'NOT (negate condition)' }).first().click();
  await until(async () => (await rule.inputValue()).startsWith('(and (not (= status-days-past-due 5))'), 'negated');
  const not = page.getByRole('group', { name: 'NOT' });
  assert.deepEqual(await not.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? b.textContent)),
    ['Move negated item up', 'Move negated item down', 'Un-NOT', 'Remove negated item']);
  await not.getByRole('button', { name: 'Move negated item down' }).click();
  await until(async () => (await rule.inputValue()).endsWith('(not (= status-days-past-due 5)))'), 'moved below the group');
  // Focus follows the row once it is drawn in its new place (its up arrow: down is now disabled).
  await until(async () => (await page.evaluate(() => document.activeElement.getAttribute('aria-label'))) === 'Move negated item up', 'focus on the moved row');
  await page.keyboard.press('Alt+ArrowUp');
  await until(async () => (await rule.inputValue()).startsWith('(and (not'), 'moved back by keyboard');
  await not.getByRole('button', { name: 'Remove negated item' }).click();
  await until(async () => !(await rule.inputValue()).includes('not'), 'removed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('builder edits keep the rule text\'s comments', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill('; fires on day 5\n(and (= status-days-past-due 5) ; LoanPro counts from 1\n  ;; open or in collections\n  (or (= loan-status "Open") (= loan-status "Collections")))');
  const comments = ['; fires on day 5', '; LoanPro counts from 1', ';; open or in collections'];
  const kept = async (what) => {
    const text = await rule.inputValue();
    for (const comment of comments) assert.ok(text.includes(comment), `${what} kept ${comment}: ${text}`);
    return text;
  };
  await page.getByTestId('condition').first().getByRole('spinbutton', { name: 'Value' }).fill('7');
  await until(async () => (await rule.inputValue()).includes('(= status-days-past-due 7) ; LoanPro counts from 1'), 'the value changed beside its comment');
  await page.getByRole('button', { name: 'NOT (negate condition)' }).first().click();
  await until(async () => (await rule.inputValue()).includes('(not (= status-days-past-due 7)) ; LoanPro counts from 1'), 'negated beside its comment');
  await page.getByRole('button', { name: 'Move group up' }).click();
  await until(async () => (await rule.inputValue()).startsWith('; fires on day 5\n(and\n  ;; open or in collections\n  (or'), 'the group moved up with its comment');
  await kept('moving');
  await page.getByTestId('group').nth(1).getByRole('button', { name: 'Remove condition' }).first().click();
  await until(async () => !(await rule.inputValue()).includes('"Open"'), 'a condition removed');
  await kept('removing');
  await page.getByTestId('group').first().getByRole('combobox', { name: 'Match' }).first().selectOption('any');
  await until(async () => (await rule.inputValue()).includes('(or\n'), 'the top group matches any');
  await kept('changing the match');
  // An expression typed in its box keeps them too, while it does not parse yet and after.
  await rule.fill('(and (= loan-status "Open") ; open\n  (> (+ status-amount-due 10) 100))');
  const expression = page.getByRole('textbox', { name: 'Expression' });
  await expression.click();
  await page.keyboard.press('End');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
  await until(async () => (await rule.inputValue()) === '(and (= loan-status "Open") ; open\n  (> (+ status-amount-due 10) )', 'the unfinished expression in place');
  await page.keyboard.type(' 200)');
  await until(async () => (await rule.inputValue()) === '(and\n  (= loan-status "Open") ; open\n  (> (+ status-amount-due 10) 200))', 'the finished expression, laid out');
  assert.deepEqual(problems, []);
  await context.close();
});

test('keys typed in an Expression box faster than the page renders are all kept', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill('(and (= loan-status "Open") ; open\n  (> (+ status-amount-due 10) 100))');
  // A slow machine: several keys arrive before the page renders the rule again (CI lost one so).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
  const expression = page.getByRole('textbox', { name: 'Expression' });
  await expression.click();
  await page.keyboard.press('End');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
  await until(async () => (await rule.inputValue()) === '(and (= loan-status "Open") ; open\n  (> (+ status-amount-due 10) )', 'every key in the rule', 15_000);
  await page.keyboard.type('250)');
  await until(async () => (await rule.inputValue()) === '(and\n  (= loan-status "Open") ; open\n  (> (+ status-amount-due 10) 250))', 'the finished expression, laid out', 15_000);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a form dropped by #_ is read as Clojure reads it: left out of the builder, greyed as a comment, kept through edits', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill('(and (= status-days-past-due 5)\n     #_(= loan-status "Closed")\n     (or (= loan-status "Open") (= loan-status "Collections")))');
  await until(async () => (await page.getByTestId('condition').count()) === 3, 'three conditions, the dropped one not among them');
  assert.equal(await result(page), 'true');
  const greyed = await page.locator('.tok-comment').allTextContents();
  assert.deepEqual(greyed, ['#_', '(', '=', 'loan-status', '"Closed"', ')']);
  await page.getByRole('button', { name: 'NOT (negate condition)' }).first().click();
  await until(async () => (await rule.inputValue()) === '(and\n  (not (= status-days-past-due 5))\n  #_(= loan-status "Closed")\n  (or (= loan-status "Open") (= loan-status "Collections")))', 'negated, the dropped form kept');
  assert.deepEqual(problems, []);
  await context.close();
});

test('switching samples flips the result, and rows show which clause failed', async () => {
  const { page, context, problems } = await fresh();
  const samples = page.getByRole('combobox', { name: 'Sample context' });
  await samples.selectOption('loan-5-days-past-due');
  assert.equal(await result(page), 'true');
  await samples.selectOption('loan-current');
  assert.equal(await result(page), 'false');
  assert.equal(await page.getByTestId('condition').first().locator('[data-result]').getAttribute('data-result'), 'false');
  await screenshot(page, 'trigger-sample-current');
  await samples.selectOption('loan-5-days-past-due');
  assert.equal(await result(page), 'true');
  await samples.selectOption('LOA10040');
  assert.equal(await result(page), 'error');
  assert.match(await page.getByTestId('rule-result').textContent(), /status-days-past-due/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an unclosed rule is reported at 1:1 and the builder keeps its last valid state', async () => {
  const { page, context, problems } = await fresh();
  await page.getByRole('textbox', { name: 'Rule' }).fill('(and (= status-days-past-due 5)');
  const errors = page.getByTestId('rule-errors');
  assert.match(await errors.textContent(), /line 1, column 1/);
  assert.match(await errors.textContent(), /unclosed/i);
  assert.equal(await result(page), 'error');
  assert.equal(await page.getByTestId('condition').count(), 3);
  assert.match(await page.locator('.trigger-panel').textContent(), /last rule that parsed/);
  await screenshot(page, 'trigger-unclosed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('catalog checks while typing, autocomplete, format, and a custom context', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill('');
  await rule.pressSequentially('(= loan-st');
  await page.getByRole('listbox', { name: 'Suggestions' }).waitFor();
  await rule.press('Enter');
  await rule.pressSequentially(' "Opne")');
  assert.equal(await rule.inputValue(), '(= loan-status "Opne")');
  assert.match(await page.getByTestId('rule-errors').textContent(), /Opne/);
  await rule.fill('(=   loan-stauts "Open")');
  assert.match(await page.getByTestId('rule-errors').textContent(), /did you mean `loan-status`/);
  await rule.fill('(and   (= loan-status "Open")\n (> status-days-past-due 3))');
  await page.getByRole('button', { name: 'Format' }).click();
  assert.equal(await rule.inputValue(), '(and (= loan-status "Open") (> status-days-past-due 3))');

  await page.getByRole('combobox', { name: 'Sample context' }).selectOption('custom');
  const custom = page.getByRole('textbox', { name: 'Custom context' });
  await custom.fill('{"loan-status": "Open", ');
  assert.match(await page.locator('#custom-context-status').textContent(), /Not usable/);
  await custom.fill('{"loan-status": "Open", "status-days-past-due": 4}');
  assert.equal(await result(page), 'true');
  // The request preview uses the same custom context.
  // (The test panel renders after a 150 ms pause, so wait for it.)
  await page.locator('.request-preview-wrap', { hasText: 'Rendered for the sample “Custom JSON”' }).waitFor({ timeout: 5000 });
  // Missing variables fail the preview, or render empty (LoanPro's way) and are listed.
  assert.match(await page.getByTestId('request-preview').textContent(), /unknown variable `loan-id`/);
  await page.getByRole('checkbox', { name: /Render missing variables as empty/ }).check();
  await page.getByTestId('empty-variables').waitFor({ timeout: 5000 });
  assert.match(await page.getByTestId('empty-variables').textContent(), /loan-id in payload\.variables/);
  await custom.fill('['.repeat(10000));
  assert.match(await page.locator('#custom-context-status').textContent(), /Not usable/);
  // A 5 MB context is summarised, not kept in a text area, and still evaluates.
  const loans = Array.from({ length: 50000 }, (_, i) => `{"loan-id": ${i}, "note": "${'x'.repeat(80)}"}`);
  await custom.fill(`{"loan-status": "Open", "status-days-past-due": 5, "history": [${loans.join(',')}]}`);
  await page.getByTestId('large-context').waitFor();
  assert.match(await page.getByTestId('large-context').textContent(), /5\.\d MB context is loaded/);
  // Read by the analysis worker, which sends back what the connection reads.
  await until(async () => (await result(page)) === 'true', 'the rule evaluated against the large context', 30_000);
  assert.equal(await page.getByRole('textbox', { name: 'Custom context' }).inputValue(), '');
  await screenshot(page, 'trigger-custom-context');
  assert.deepEqual(problems, []);
  await context.close();
});

test('undo and redo reach the rule text area and the builder', async () => {
  const { page, context, problems } = await fresh();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.press('End');
  await rule.pressSequentially(' ; typed');
  assert.equal(await rule.inputValue(), `${SEED} ; typed`);
  await rule.press('Control+z');
  assert.equal(await rule.inputValue(), SEED);
  await page.getByTestId('condition').first().getByRole('spinbutton', { name: 'Value' }).fill('7');
  assert.equal(await rule.inputValue(), SEED.replace('past-due 5', 'past-due 7'));
  await page.getByRole('button', { name: '↶ Undo' }).click();
  assert.equal(await rule.inputValue(), SEED);
  assert.equal(await page.getByTestId('condition').first().getByRole('spinbutton', { name: 'Value' }).inputValue(), '5');
  await page.getByRole('button', { name: '↷ Redo' }).click();
  assert.equal(await rule.inputValue(), SEED.replace('past-due 5', 'past-due 7'));
  assert.deepEqual(problems, []);
  await context.close();
});
