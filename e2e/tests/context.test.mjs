// A custom context of 20 MB (issue 15): pasted, it never passes through a
// text area or the page's parser. The analysis worker parses and keeps it
// and sends back the members the connection reads; the rule evaluates and
// the preview renders with them, and no main-thread task is long. Its
// errors still show at their line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, ready, screenshot, until } from '../harness.mjs';
import { observeLongTasks, now } from '../keystroke.mjs';

const app = appUnderTest();

/** A loan's context with a payment history padding it to about `bytes`. */
function bigContext(bytes, tail = '') {
  const items = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const item = `{"id": ${i}, "amount": "${i % 500}.25", "note": "${'p'.repeat(60)}"}`;
    items.push(item);
    size += item.length + 1;
  }
  // The variables the first example connection sends, then the padding.
  const loan = '"loan-id": 987654, "loan-status": "Open", "status-days-past-due": 5, "current-date": "2026-11-30", ' +
    '"customer": {"primary": {"full-name": "Ada Lovelace"}}, "status-amount-due": "158.70", ' +
    '"next-scheduled-payment-date": "2026-12-05", "next-scheduled-payment-amount": "99.10"';
  return `{${loan},\n"history": [${items.join(',')}]${tail}}`;
}

async function openWithClipboard() {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.server.url).origin });
  await observeLongTasks(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
  await page.goto(app.server.url);
  await ready(page);
  return { context, page, problems };
}

/** Pastes `text` into the custom context box; returns when the paste starts (the clipboard is filled first). */
async function pasteContext(page, text) {
  await page.evaluate((text) => navigator.clipboard.writeText(text), text);
  await page.getByRole('textbox', { name: 'Custom context' }).focus();
  const since = await now(page);
  await page.keyboard.press('Control+V');
  return since;
}

// The bound: what is left is the browser's clipboard read, one copy of the
// text into the page and the Blob for the worker, each 100-200 ms on this
// machine (BENCHMARKS.md); before, one task was over 3 s. Up to three rounds,
// as the keystroke tests: a loaded machine may pause the page.
test('a 20 MB custom context: parsed in the worker, the rule and the preview use it, the page stays responsive', async () => {
  for (let round = 1; ; round++) {
    const longest = await twentyMegabytes(round === 1);
    if (longest <= 400) break;
    assert.ok(round < 3, `a ${longest} ms task, in three rounds`);
  }
});

/** Pastes 20 MB and checks what the page shows; returns the longest task (ms). */
async function twentyMegabytes(withErrors) {
  const { context, page, problems } = await openWithClipboard();
  await page.getByRole('combobox', { name: 'Sample context' }).selectOption('custom');
  const text = bigContext(20_000_000);
  const since = await pasteContext(page, text);
  await page.getByTestId('large-context').waitFor({ timeout: 60_000 });
  assert.match(await page.getByTestId('large-context').textContent(), /A 20\.\d MB context is loaded/);
  // The seed rule: 5 days past due and Open.
  const result = page.getByTestId('rule-result');
  await until(async () => (await result.getAttribute('data-value')) === 'true', 'the rule evaluated against the context', 60_000);
  await until(async () => (await page.getByTestId('request-preview').textContent()).includes('987654'), 'the preview rendered with the context', 60_000);
  const settled = (await now(page)) - since;
  await page.waitForTimeout(2000);
  const tasks = await page.evaluate((since) => window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => Math.round(t.duration)), since);
  console.log(`20 MB context: ${text.length} bytes, the rule's answer and the preview after ${settled.toFixed(0)} ms, long tasks [${tasks.join(', ')}] ms`);
  await page.getByTestId('large-context').scrollIntoViewIfNeeded();
  await screenshot(page, 'context-20mb');
  if (!withErrors) {
    assert.deepEqual(problems, []);
    await context.close();
    return Math.max(0, ...tasks);
  }

  // A broken large context: the error at its line and column, from the worker's parse.
  await pasteContext(page, bigContext(200_000, ',\n"broken": [1,,2]'));
  const status = page.locator('#custom-context-status');
  await until(async () => /Not usable: 3:\d+:/.test(await status.textContent()), 'the error at line 3', 30_000);
  assert.equal(await result.getAttribute('data-value'), 'error');
  assert.deepEqual(problems, []);
  await context.close();
  return Math.max(0, ...tasks);
}
