// Large rules at work (issue 15): the builder of a 5,000-clause rule gets
// its first items from the analysis worker, "Show all" asks for the rest,
// and a builder edit is made on the whole rule in the worker; Format on a
// 2 MB rule runs there too. No main-thread task over five times the 50 ms
// budget while doing it (PerformanceObserver long tasks, as keystroke.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, screenshot, until } from '../harness.mjs';
import { openObserved, now, clauseRule, bigRule, paste, templateBody } from '../keystroke.mjs';

const app = appUnderTest();

async function open() {
  const opened = await openObserved(app.browser, app.server.url, { width: 1280, height: 860 });
  await opened.page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  return opened;
}

const tasksSince = (page, since) => page.evaluate((since) =>
  window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => Math.round(t.duration)), since);

/** Sets a field's whole text as one input event. */
const setText = (field, text) => field.evaluate((area, text) => {
  area.focus();
  area.value = text;
  area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
}, text);

test('a 5,000-clause rule: the builder edits the whole rule in the worker, and Show all brings every item', async () => {
  const { context, page, problems } = await open();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  // Its comment stays through the worker's builder edit.
  await setText(rule, `; 5,000 clauses\n${clauseRule(5000)}`);
  const result = page.getByTestId('rule-result');
  await until(async () => (await page.getByTestId('condition').count()) === 250, 'the first 250 items', 30_000);
  assert.match(await page.getByTestId('builder-more').textContent(), /4751 more items of this group/);

  // Removing the first condition: the page has 250 items of 5,001, the worker edits all of them.
  const since = await now(page);
  const first = page.getByTestId('condition').first();
  assert.equal(await first.getByRole('combobox', { name: 'Operator' }).count(), 1);
  const collections = (text) => text.split('(= loan-status "Collections")').length - 1;
  assert.equal(collections(await rule.inputValue()), 1250);
  await first.getByRole('button', { name: 'Remove condition' }).click();
  await until(async () => collections(await rule.inputValue()) === 1249, 'the first clause removed', 30_000);
  const text = await rule.inputValue();
  assert.ok(text.includes('(< status-amount-due 4999.50)'), 'the last clause is still there');
  assert.ok(text.includes('(> status-days-past-due 1)'), 'the second clause is still there');
  assert.ok(text.startsWith('; 5,000 clauses\n'), 'the comment is still there');
  await until(async () => (await result.getAttribute('data-value')) !== 'pending', 'the edited rule analysed', 30_000);
  await until(async () => /4750 more items/.test(await page.getByTestId('builder-more').textContent()), 'the builder redrawn', 30_000);

  // Show all: the worker sends the whole model, drawn in full.
  await page.getByTestId('builder-more').getByRole('button', { name: 'Show all' }).click();
  await until(async () => (await page.getByTestId('condition').count()) === 5000, 'every condition drawn', 60_000);
  assert.equal(await page.getByTestId('builder-more').count(), 0);
  await page.getByTestId('condition').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'large-rule-builder-all');
  const tasks = await tasksSince(page, since);
  console.log(`builder edit on 5,000 clauses: long tasks until Show all [${tasks.join(', ')}] ms`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('text typed just before a builder click on a large rule is never overwritten by the builder', async () => {
  const { context, page, problems } = await open();
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await setText(rule, clauseRule(300));
  await until(async () => (await page.getByTestId('condition').count()) === 250, 'the first 250 items', 30_000);
  const collections = (text) => text.split('(= loan-status "Collections")').length - 1;
  const removed = (text) => collections(text) === 74;
  assert.equal(collections(await rule.inputValue()), 75);
  // The builder still shows the rule before the typing (its analysis waits for a pause).
  await rule.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' ; typed last');
  await page.getByTestId('condition').first().getByRole('button', { name: 'Remove condition' }).click();
  await page.waitForTimeout(2000);
  assert.ok((await rule.inputValue()).endsWith(' ; typed last'), 'the typing is kept');
  assert.equal(collections(await rule.inputValue()), 75, 'and the builder did not edit the older text');
  // Once the builder has caught up, the same click removes the condition, the comment kept.
  await page.getByTestId('condition').first().getByRole('button', { name: 'Remove condition' }).click();
  await until(async () => removed(await rule.inputValue()), 'the first condition removed', 30_000);
  assert.ok((await rule.inputValue()).includes('; typed last'));
  assert.deepEqual(problems, []);
  await context.close();
});

// Budget: no task over 50 ms; the bound is five times that, in up to three
// rounds as keystroke.test.mjs (a loaded machine may pause the page).
test('Format on a 2 MB rule runs in the worker and leaves the page responsive', async () => {
  for (let round = 1; ; round++) {
    const { context, page, problems } = await open();
    const field = page.getByRole('textbox', { name: 'Rule' });
    await field.focus();
    // Indented by six: canonical layout indents by two, so it is 0.2 MB smaller.
    await paste(page, bigRule(2_000_000).replace(/\n {2}/g, '\n      '));
    const summary = page.locator('.trigger-panel [data-testid="code-summary"]');
    await until(async () => /Rule: 2\.2 MB/.test(await summary.textContent().catch(() => '')), 'the pasted rule summarised', 60_000);
    const format = page.getByRole('button', { name: 'Format' }).first();
    await until(() => format.isEnabled(), 'Format enabled once the rule is analysed', 60_000);
    await page.waitForTimeout(500);
    const since = await now(page);
    await format.click();
    await until(async () => /Rule: 2\.0 MB/.test(await summary.textContent()), 'the formatted rule', 60_000);
    await until(async () => (await page.getByTestId('rule-result').getAttribute('data-value')) === 'true', 'the formatted rule analysed', 60_000);
    await page.waitForTimeout(1000);
    const tasks = await tasksSince(page, since);
    console.log(`format a 2 MB rule: long tasks [${tasks.join(', ')}] ms`);
    assert.deepEqual(problems, []);
    await screenshot(page, 'large-rule-formatted');
    await context.close();
    if (Math.max(0, ...tasks) <= 250) break;
    assert.ok(round < 3, `a ${Math.max(...tasks)} ms task formatting, in three rounds`);
  }
});

test('a 2 MB body: checked and rendered in the worker, its preview shows the first 500 lines', async () => {
  const { context, page, problems } = await open();
  await page.getByRole('radio', { name: 'Custom body' }).check();
  await page.getByRole('textbox', { name: 'URL' }).first().fill('https://example.com/hook');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.focus();
  await body.evaluate((area) => area.select());
  await paste(page, templateBody(20_000));
  // The paste is taken in a task of its own: until then the status is the old body's.
  await until(async () => (await page.getByTestId('code-summary').count()) === 1, 'the pasted body summarised', 60_000);
  assert.match(await page.getByTestId('code-summary').textContent(), /Body: \d\.\d MB/);
  const status = page.getByTestId('body-status');
  await until(async () => (await status.getAttribute('data-current')) === 'true', 'the body checked', 60_000);
  assert.match(await status.textContent(), /Renders valid JSON/);
  const head = page.getByTestId('body-head');
  await until(async () => (await head.count()) === 1, 'the preview rendered', 60_000);
  assert.match(await head.textContent(), /A \d\.\d MB body: its first 500 of 20,000 lines/);
  const shown = await page.getByTestId('request-preview').locator('[data-part="body"]').textContent();
  assert.equal(shown.split('\n').length, 500);
  assert.match(shown, /"note": "item 3", "on": "2022-09-26"/);
  await head.scrollIntoViewIfNeeded();
  await screenshot(page, 'large-body-preview');
  assert.deepEqual(problems, []);
  await context.close();
});
