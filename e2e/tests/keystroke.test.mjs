// The keystroke budget of issue 15, with bounds five times the budget so a
// loaded machine does not fail it (scripts/bench-keystroke records the
// figures in BENCHMARKS.md), and the drawn-lines editor at real sizes:
// scrolling a 2,000-line body, marks and errors on the lines in view,
// autocomplete under the caret, and no characters lost when typing fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, screenshot, until } from '../harness.mjs';
import { measureScenario, measurePaste, pastes, paste, clauseRule, templateBody } from '../keystroke.mjs';

const app = appUnderTest();

// p95 over 40 keys minus a plain input's, in ms: five times the budget.
for (const [name, bound] of [['seed rule', 20], ['300-clause rule', 80], ['2,000-line body', 80]]) {
  test(`typing in the ${name} stays within ${bound} ms a key over a plain input`, async () => {
    // Up to three rounds: on a loaded machine the OS may pause the page for
    // a few of the 40 keys (p95 is the 38th); a real regression fails all.
    for (let round = 1; ; round++) {
      const run = await measureScenario(app.browser, app.server.url, name);
      console.log(`${name}: p95 ${run.editorP95.toFixed(1)} ms, plain input ${run.plainP95.toFixed(1)} ms, extra ${run.extraP95.toFixed(1)} ms, longest task ${run.longestTask.toFixed(0)} ms`);
      assert.deepEqual(run.problems, []);
      if (run.extraP95 <= bound) break;
      assert.ok(round < 3, `p95 extra ${run.extraP95.toFixed(1)} ms over ${bound} ms, in three rounds`);
    }
  });
}

// Budget: no task over 50 ms; the bound is five times that.
for (const name of ['5,000-clause rule', 'rule nested 150 deep']) {
  test(`typing in a ${name} never blocks the page for long`, async () => {
    // As above: up to three rounds.
    for (let round = 1; ; round++) {
      const run = await measureScenario(app.browser, app.server.url, name);
      console.log(`${name}: p95 ${run.editorP95.toFixed(1)} ms, plain input ${run.plainP95.toFixed(1)} ms, longest task ${run.longestTask.toFixed(0)} ms`);
      assert.deepEqual(run.problems, []);
      if (run.longestTask <= 250) break;
      assert.ok(round < 3, `a ${run.longestTask} ms task while typing, in three rounds`);
    }
  });
}

// Pasting a large rule: no task over five times the 50 ms budget from the
// paste until the answer shows (+2 s); the analysis runs in its worker.
// A 2 MB rule or body is summarised, never put in the text area (Chromium's own
// layout of a text area holding 65,000 lines is over a second).
for (const name of ['paste 2 MB rule', 'paste 2 MB body', 'paste 5,000-clause rule', 'paste rule nested 150 deep',
  'set 5,000-clause rule', 'set rule nested 150 deep']) {
  test(`${name}: the page stays responsive`, async () => {
    for (let round = 1; ; round++) {
      const run = await measurePaste(app.browser, app.server.url, name);
      console.log(`${name}: ${run.bytes} bytes, answer after ${run.settled.toFixed(0)} ms, long tasks [${run.tasks.join(', ')}] ms`);
      assert.deepEqual(run.problems, []);
      if (run.longestTask <= 250) break;
      assert.ok(round < 3, `a ${run.longestTask} ms task after pasting, in three rounds`);
    }
  });
}

test('a large rule shows that it is being analysed, then its result, builder and marks', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  const rule = page.getByRole('textbox', { name: 'Rule' });
  // Set as one input event (Playwright's fill of 167 KB takes longer than its timeout).
  await rule.evaluate((area, text) => {
    area.focus();
    area.value = text;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, clauseRule(5000));
  const result = page.getByTestId('rule-result');
  assert.equal(await result.getAttribute('data-value'), 'pending');
  assert.match(await result.textContent(), /Analysing the rule…/);
  await result.scrollIntoViewIfNeeded();
  await screenshot(page, 'keystroke-rule-5000-analysing');
  await until(async () => (await result.getAttribute('data-value')) !== 'pending', 'the analysis', 30_000);
  // `and` of a false first clause: the seed sample does not fire.
  assert.equal(await result.getAttribute('data-value'), 'false');
  // Drawn 50 a frame up to 250.
  await until(async () => (await page.getByTestId('condition').count()) === 250, "the builder's first 250 items", 15_000);
  await until(async () => (await page.locator('.trigger-panel .code-layer .mark-false').count()) > 0, 'the marks');
  await screenshot(page, 'keystroke-rule-5000-analysed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pasted 2 MB rule is summarised, checked and evaluated; a paste into the box replaces it', async () => {
  const { page, context, problems } = await app.open();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.server.url).origin });
  await pastes['paste 2 MB rule'](page);
  const summary = page.locator('.trigger-panel [data-testid="code-summary"]');
  assert.match(await summary.textContent(), /Rule: 2\.0 MB, [\d,]+ lines, too large to edit here/);
  assert.match(await page.getByTestId('builder-too-large').textContent(), /too many for the builder/);
  // `or` of clauses: the sample loan (Open, 5 days past due) fires.
  assert.equal(await page.getByTestId('rule-result').getAttribute('data-value'), 'true');
  const rule = page.getByRole('textbox', { name: 'Rule' });
  assert.equal(await rule.inputValue(), '');
  await summary.scrollIntoViewIfNeeded();
  await screenshot(page, 'keystroke-rule-2mb-summary');
  // A stray key does not replace it; a paste does.
  await rule.focus();
  await page.keyboard.press('x');
  assert.equal(await summary.count(), 1);
  await paste(page, '(= loan-status "Closed")');
  await until(async () => (await summary.count()) === 0, 'the small rule back in the text area');
  assert.equal(await rule.inputValue(), '(= loan-status "Closed")');
  await until(async () => (await page.getByTestId('rule-result').getAttribute('data-value')) === 'false', 'the small rule evaluated');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 2,000-line body draws only the lines in view, and follows scrolling', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('radio', { name: 'Custom body' }).check();
  const body = page.getByRole('textbox', { name: 'Body' });
  const text = templateBody(2000);
  await body.fill(text);
  const status = page.getByTestId('body-status');
  await until(async () => (await status.getAttribute('data-current')) === 'true', 'validation', 30_000);
  const layer = page.locator('.body-editor .code-layer');
  const gutter = page.locator('.body-editor .code-gutter');
  const drawn = async () => (await layer.textContent()).split('\n').length;
  // Filled, the caret is at the end and so is the view: the last lines are drawn.
  await until(async () => /\n2000$/.test(await gutter.textContent()), 'the last lines drawn after filling');
  await body.evaluate((area) => { area.scrollTop = 0; });
  await until(async () => /^1\n2\n3/.test(await gutter.textContent()), 'the first lines drawn at the top');
  assert.ok(await drawn() < 200, `${await drawn()} lines drawn`);

  // Scrolled to line 1,500: that line is drawn, where the text area shows it.
  await body.evaluate((area) => { area.scrollTop = 1500 * 20 - 100; });
  await until(async () => (await layer.textContent()).includes('"item 1497"'), 'line 1,500 drawn');
  assert.match(await gutter.textContent(), /\n1500\n/);
  const box = await body.boundingBox();
  const line = await layer.locator('span.tok-str', { hasText: '"item 1497"' }).first().boundingBox();
  assert.ok(line.y > box.y && line.y + line.height < box.y + box.height, 'the drawn line lies inside the text area');
  // The text area's own line 1,500 is at the same height (its text is transparent; the layer shows it).
  const expectedY = box.y + 8 + 1499 * 20 - (await body.evaluate((a) => a.scrollTop));
  assert.ok(Math.abs(line.y - expectedY) <= 4, `layer line at ${line.y}, text area line at ${expectedY}`);
  assert.ok(await drawn() < 300);

  // A mistake on the line in view is underlined there.
  await body.evaluate((area) => {
    const at = area.value.indexOf('{"n": 1497,') + '{"n": 1497'.length;
    area.setRangeText('', at, at + 1, 'end');
    area.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  await until(async () => (await status.getAttribute('data-current')) === 'true' && /problem/.test(await status.textContent()), 'the mistake checked');
  assert.match(await page.locator('#body-errors').textContent(), /line 1500, column \d+/);
  await until(async () => (await layer.locator('.diag-error').count()) >= 1, 'the underline on line 1,500');
  await body.scrollIntoViewIfNeeded();
  await screenshot(page, 'keystroke-body-line-1500');

  // At the very end: the last line, its number, and nothing drawn from the top.
  await body.evaluate((area) => { area.scrollTop = area.scrollHeight; });
  await until(async () => (await layer.textContent()).includes('{"last": true}'), 'the last lines drawn');
  assert.match(await gutter.textContent(), /\n2000\n?$/);
  assert.ok(!(await layer.textContent()).includes('"item 5"'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('autocomplete opens under the caret in a scrolled body, and fast typing loses nothing', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('radio', { name: 'Custom body' }).check();
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.fill(templateBody(2000));
  // The caret at the end of the note on line 1,200, scrolled into view.
  await body.evaluate((area) => {
    const at = area.value.indexOf('"item 1197"') + '"item 1197'.length;
    area.focus();
    area.setSelectionRange(at, at);
    area.scrollTop = 1199 * 20 - 100;
  });
  await page.keyboard.type(" [[v('loan-st");
  const list = page.getByRole('listbox', { name: 'Suggestions' });
  await list.waitFor();
  const area = await body.boundingBox();
  const popup = await list.boundingBox();
  assert.ok(popup.y > area.y && popup.y < area.y + area.height, `the list (y ${popup.y}) inside the text area (${area.y}–${area.y + area.height})`);
  await screenshot(page, 'keystroke-autocomplete-scrolled');
  await page.keyboard.press('Enter');
  assert.match(await body.inputValue(), /"item 1197 \[\[v\('loan-status'\)\]\]"/);

  // 120 characters as fast as the keyboard goes: every one arrives, in order.
  const typed = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4).slice(0, 120);
  await page.keyboard.type(typed);
  assert.ok((await body.inputValue()).includes(`'loan-status')]]${typed}"`));
  await page.keyboard.press('Tab');
  await page.waitForTimeout(500);
  assert.ok((await body.inputValue()).includes(`'loan-status')]]${typed}"`), 'the text stays after focus leaves');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 300-clause rule: marks and underlines on the lines in view, the builder drawn in part', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await rule.fill(clauseRule(300));
  // `and` stops at the first false clause: the marks are on the first lines.
  await rule.evaluate((area) => { area.scrollTop = 0; });
  const layer = page.locator('.trigger-panel .code-layer');
  await until(async () => (await layer.locator('.mark-true, .mark-false').count()) > 0, 'true/false marks', 15_000);
  await rule.fill(clauseRule(300).replace('(> status-days-past-due 1)', '(> status-days-past-dew 1)'));
  await rule.evaluate((area) => { area.scrollTop = 0; });
  await until(async () => (await layer.locator('.diag-error, .diag-warning').count()) > 0, 'the unknown variable underlined', 15_000);
  assert.match(await page.getByTestId('rule-errors').textContent(), /status-days-past-dew/);
  // Drawn 50 a frame up to 250.
  await until(async () => (await page.getByTestId('condition').count()) === 250, "the builder's first 250 items", 15_000);
  // Show all asks the analysis worker for the rest of the model.
  await page.getByTestId('builder-more').getByRole('button', { name: 'Show all' }).click();
  await until(async () => (await page.getByTestId('condition').count()) === 301, 'every item drawn', 15_000);
  await rule.scrollIntoViewIfNeeded();
  await screenshot(page, 'keystroke-rule-300-marks');
  assert.deepEqual(problems, []);
  await context.close();
});
