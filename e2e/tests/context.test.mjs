// A custom context of 20 MB (issue 15): pasted, it never passes through a
// text area or the page's parser. The analysis worker parses and keeps it
// and sends back the members the connection reads; the rule evaluates and
// the preview renders with them, and no main-thread task is long. Its
// errors still show at their line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appUnderTest, screenshot, until } from '../harness.mjs';
import { openObserved, now } from '../keystroke.mjs';

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

function openWithClipboard() {
  return openObserved(app.browser, app.server.url, { width: 1280, height: 900 });
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

/** Drops a file holding `text` on the custom context (a real DragEvent with a File). */
async function dropContext(page, name, text) {
  await page.locator('.custom-context').evaluate((zone, [name, text]) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], name, { type: 'application/json' }));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [name, text]);
}

// A file goes to the worker as a File: no clipboard read, no copy into the
// page, no Blob made of a string. The bound is the budget's five times, as
// the keystroke tests'; up to three rounds.
test('a 20 MB context file, picked or dropped: read in the worker, its errors located, the page responsive', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookwright-context-'));
  try {
    const path = join(dir, 'loan-with-history.json');
    await writeFile(path, bigContext(20_000_000));
    for (let round = 1; ; round++) {
      const longest = await contextFile(path, round === 1);
      if (longest <= 250) break;
      assert.ok(round < 3, `a ${longest} ms task, in three rounds`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function contextFile(path, withDrops) {
  const { context, page, problems } = await openWithClipboard();
  await page.getByRole('combobox', { name: 'Sample context' }).selectOption('custom');
  const status = page.locator('#custom-context-status');
  assert.match(await status.textContent(), /load or drop a file/);
  const picker = page.getByLabel('Load the custom context from a file');
  // Keyboard users reach the picker.
  await picker.focus();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Load the custom context from a file');
  const since = await now(page);
  await picker.setInputFiles(path);
  const summary = page.getByTestId('large-context');
  await until(async () => /the file “loan-with-history\.json” \(20\.\d MB\)/.test(await summary.textContent().catch(() => '')), 'the file summarised', 60_000);
  const result = page.getByTestId('rule-result');
  await until(async () => (await result.getAttribute('data-value')) === 'true', 'the rule evaluated against the file', 60_000);
  await until(async () => (await page.getByTestId('request-preview').textContent()).includes('987654'), 'the preview rendered with the file', 60_000);
  const settled = (await now(page)) - since;
  await page.waitForTimeout(2000);
  const tasks = await page.evaluate((since) => window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => Math.round(t.duration)), since);
  console.log(`20 MB context file: the rule's answer and the preview after ${settled.toFixed(0)} ms, long tasks [${tasks.join(', ')}] ms`);
  assert.match(await status.textContent(), /Valid JSON context/);
  await summary.scrollIntoViewIfNeeded();
  await screenshot(page, 'context-file-20mb');
  if (withDrops) {
    // A broken file, dropped: the error at its line and column, from the worker's parse.
    await dropContext(page, 'broken.json', bigContext(200_000, ',\n"broken": [1,,2]'));
    await until(async () => /Not usable: 3:\d+:/.test(await status.textContent()), 'the error at line 3', 30_000);
    assert.match(await summary.textContent(), /broken\.json/);
    // The drop is the context's, not a connection file for the import dialog.
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal(await result.getAttribute('data-value'), 'error');
    await summary.scrollIntoViewIfNeeded();
    await screenshot(page, 'context-file-error');
    // A small file becomes the text to edit.
    await dropContext(page, 'small.json', '{"loan-status": "Open", "status-days-past-due": 5}');
    await until(async () => (await page.getByRole('textbox', { name: 'Custom context' }).inputValue()).includes('"status-days-past-due": 5'), 'the small file in the editor', 30_000);
    assert.equal(await summary.count(), 0);
    await until(async () => (await result.getAttribute('data-value')) === 'true', 'the rule evaluated against the small file', 30_000);
  }
  assert.deepEqual(problems, []);
  await context.close();
  return Math.max(0, ...tasks);
}
