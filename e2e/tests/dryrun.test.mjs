// The Dry run section: a portfolio picked into the page is evaluated in a Web
// Worker (summary, tables, near misses, errors, diff after a rule edit, CSV
// export, cancel, bad files), and a 200,000-loan file timed against
// JSON.parse + json-logic-js in the same page, with the main thread watched
// for long tasks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appUnderTest, outputDir, ruleShown } from '../harness.mjs';
import { armDryRunClock, portfolio, prepareJsPair, timeAgainstJsPair } from '../dryrun-bench.mjs';
import { traceMainThread, checkTasks } from '../longtasks.mjs';
import { mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const SEED = '(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))';

const app = appUnderTest();
let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookwright-dryrun-e2e-'));
});
after(async () => {
  // The generated portfolios (hundreds of MB over a run) never stay behind.
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The Dry run section as a picture (the page scrolls inside its main area). */
async function screenshot(page, name) {
  await mkdir(outputDir, { recursive: true });
  await page.locator('section.dry-run').screenshot({ path: join(outputDir, `${name}.png`) });
}

/** What the seed rule fires for, computed here to check the page. */
function expected(text) {
  let loans = 0, fired = 0, errors = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    loans++;
    try {
      const l = JSON.parse(line);
      if (l['status-days-past-due'] === 5 && (l['loan-status'] === 'Open' || l['loan-status'] === 'Collections')) fired++;
    } catch {
      errors++;
    }
  }
  return { loans, fired, errors };
}

const summary = (page) => page.getByTestId('dryrun-summary');
async function finished(page, timeout = 60_000) {
  await page.locator('[data-testid="dryrun-summary"]:is([data-state="done"], [data-state="error"])').waitFor({ timeout });
  const s = summary(page);
  return {
    state: await s.getAttribute('data-state'),
    loans: Number(await s.getAttribute('data-loans')),
    fired: Number(await s.getAttribute('data-fired')),
    errors: Number(await s.getAttribute('data-errors')),
    text: await s.textContent(),
  };
}

async function pick(page, name, contents) {
  const path = join(dir, name);
  await writeFile(path, contents);
  await page.getByLabel('Portfolio', { exact: true }).setInputFiles(path);
  return path;
}

test('a picked portfolio: counts, tables, near misses, errors, a rule edit diffs, CSV export', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  const text = portfolio(3000, { broken: [10, 2000] });
  await pick(page, 'portfolio.ndjson', text);
  const done = await finished(page);
  const want = expected(text);
  assert.equal(done.state, 'done', done.text);
  assert.deepEqual([done.loans, done.fired, done.errors], [want.loans, want.fired, want.errors]);

  const fired = page.getByTestId('dryrun-fired');
  assert.equal(Number(await fired.getAttribute('data-total')), want.fired);
  await fired.getByRole('row').nth(1).waitFor();
  // Columns: the id, then the variables the rule reads.
  assert.deepEqual(await fired.getByRole('columnheader').allTextContents(), ['loan-id', 'status-days-past-due', 'loan-status']);
  // Sort by loan status, descending: Open before Collections.
  await fired.getByRole('button', { name: 'loan-status' }).click();
  await fired.getByRole('button', { name: 'loan-status' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="dryrun-fired"] [role="columnheader"][aria-sort="descending"]'));
  await page.waitForFunction(() => document.querySelector('[data-testid="dryrun-fired"] .dr-body [role="row"] [role="cell"]:nth-child(3)')?.textContent === 'Open');
  // Filter.
  await fired.getByRole('searchbox').fill('Collections');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="dryrun-fired"]').dataset.total) < n, want.fired);
  const filtered = Number(await fired.getAttribute('data-total'));
  assert.ok(filtered > 0 && filtered < want.fired);

  const errors = page.getByTestId('dryrun-errors');
  assert.equal(Number(await errors.getAttribute('data-total')), 2);
  await errors.getByRole('row').nth(1).waitFor();
  const firstError = await errors.locator('.dr-body [role="row"]').first().locator('[role="cell"]').allTextContents();
  assert.equal(firstError[0], '11');
  assert.match(firstError[2], /unreadable record/);

  const near = page.getByTestId('dryrun-near');
  assert.ok(Number(await near.getAttribute('data-total')) > 0);
  assert.match(await page.getByTestId('dryrun-clauses').textContent(), /\(= status-days-past-due 5\)/);
  assert.match(await page.getByTestId('dryrun-builder-counts').textContent(), /all of 2 items/);
  // The builder shows each item's counts beside its live result.
  await page.getByTestId('dryrun-count').first().waitFor();
  assert.equal(await page.getByTestId('dryrun-count').count(), 5);
  assert.match(await page.getByTestId('dryrun-count').first().textContent(), /^✓\d+ ✗\d+/);
  await screenshot(page, 'dryrun-done');

  // Export the fired loans (filtered) as CSV.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    fired.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'dry-run-fired.csv');
  const csv = await readFile(await download.path(), 'utf8');
  assert.equal(csv.split('\r\n')[0], 'loan-id,status-days-past-due,loan-status');
  assert.equal(csv.trim().split('\r\n').length, filtered + 1);

  // A rule edit restarts the run, and the diff shows its effect.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(and (= status-days-past-due 5) (= loan-status "Open"))');
  await page.getByTestId('dryrun-diff').waitFor({ timeout: 30_000 });
  const diff = page.getByTestId('dryrun-diff');
  assert.equal(Number(await diff.getAttribute('data-newly')), 0);
  assert.ok(Number(await diff.getAttribute('data-no-longer')) > 0);
  // The text's clauses carry the counts as marks.
  assert.ok(await page.locator('.mark-count').count() >= 2);
  assert.match(await page.locator('.mark-count').first().getAttribute('title'), /dry run: true for \d+/);
  await screenshot(page, 'dryrun-diff');
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad files and absent variables say what is wrong; the page keeps working', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  await pick(page, 'empty.ndjson', '');
  let done = await finished(page);
  assert.equal(done.state, 'error');
  assert.match(done.text, /empty/);

  await pick(page, 'binary.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 4]));
  await page.waitForFunction(() => /binary/.test(document.querySelector('[data-testid="dryrun-summary"]')?.textContent ?? ''));

  await pick(page, 'ragged.csv', 'loan-id,status-days-past-due,loan-status\n1,5,Open\n2,5\n3,5,Collections\n');
  await page.locator('[data-testid="dryrun-summary"][data-state="done"]').waitFor();
  done = await finished(page);
  assert.deepEqual([done.loans, done.fired, done.errors], [3, 2, 1]);

  await pick(page, 'open.json', '[{"loan-id": 1, "status-days-past-due": 5, "loan-status": "Open"},\n{"loan-id": 2');
  await page.waitForFunction(() => document.querySelector('[data-testid="dryrun-summary"]')?.dataset.loans === '2');
  done = await finished(page);
  assert.deepEqual([done.loans, done.fired, done.errors], [2, 1, 1]);

  await page.getByRole('textbox', { name: 'Rule' }).fill('(> status-amount-du 5)');
  await page.getByTestId('dryrun-note').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('dryrun-note').textContent(), /no loan has `status-amount-du`/);
  await screenshot(page, 'dryrun-note');
  // The rule with errors does not run; fixing it does.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(and (= status-days-past-due 5)');
  await page.locator('[data-testid="dryrun-summary"][data-state="error"]').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a portfolio dropped on the Dry run section runs there, and opens no import dialog', async () => {
  const { page, context, problems } = await app.open();
  const text = portfolio(500);
  await page.locator('.dr-drop').waitFor();
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.ndjson', { type: 'application/x-ndjson' }));
    document.querySelector('.dr-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, text);
  const done = await finished(page);
  assert.equal(done.state, 'done', done.text);
  const want = expected(text);
  assert.deepEqual([done.loans, done.fired, done.errors], [want.loans, want.fired, want.errors]);
  // The page-wide drop target (importing connection files) leaves it alone.
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole('dialog').count(), 0);
  // ... and still takes a connection file dropped anywhere else.
  const exported = await readFile(join(here, '..', '..', 'examples', 'late-5-days-external.json'), 'utf8');
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'late-5-days-external.json', { type: 'application/json' }));
    document.querySelector('h2').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, exported);
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a CSV portfolio (header row of variable names) runs, and so does one pasted with Ctrl+V', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  // Values in CSV are read as JSON would read them where they can be (5 a number), else as text.
  await pick(page, 'portfolio.csv', 'loan-id,status-days-past-due,loan-status\n1,5,Open\n2,5,Closed\n3,4,Open\n4,5,"Collections"\n5,x,Open\n');
  const csv = await finished(page);
  assert.deepEqual([csv.state, csv.loans, csv.fired, csv.errors], ['done', 5, 2, 0], csv.text);
  assert.match(csv.text, /CSV/);
  const fired = page.getByTestId('dryrun-fired');
  await fired.getByRole('row').nth(2).waitFor();
  const ids = await fired.locator('.dr-body [role="row"]').evaluateAll((rs) => rs.map((r) => r.querySelector('[role="cell"]').textContent));
  assert.deepEqual(ids, ['1', '4']);

  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pasted = portfolio(500);
  await page.evaluate((text) => navigator.clipboard.writeText(text), pasted);
  await page.getByRole('group', { name: 'Drop or paste a file here' }).or(page.getByLabel('Drop or paste a file here')).first().focus();
  await page.keyboard.press('Control+V');
  await page.locator('[data-testid="dryrun-summary"][data-state="done"][data-loans="500"]').waitFor();
  const done = await finished(page);
  const want = expected(pasted);
  assert.deepEqual([done.loans, done.fired, done.errors], [want.loans, want.fired, want.errors]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a YouLend event filter runs over a batch of events', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: /^YouLend repayment to ledger/ }).click();
  await page.getByRole('heading', { level: 2, name: 'YouLend repayment to ledger' }).waitFor();
  const events = [
    // Named by their loan's id: YouLend's events carry no loan-id.
    { EventCode: 'LOA10040', EventProperties: { LoanId: 'L-1', CorrelationId: 'P-A' } },
    { EventCode: 'LOA10055', EventProperties: { LoanId: 'L-2' } },
    { EventCode: 'LOA10040', EventProperties: { LoanId: 'L-3', CorrelationId: 'P-B' } },
  ].map((e) => JSON.stringify(e)).join('\n');
  await pick(page, 'events.ndjson', events);
  const done = await finished(page);
  assert.equal(done.state, 'done', done.text);
  assert.deepEqual([done.loans, done.fired, done.errors], [3, 2, 0]);
  assert.match(done.text, /events read/);
  const fired = page.getByTestId('dryrun-fired');
  await fired.locator('.dr-body [role="row"]').first().waitFor();
  assert.deepEqual(await fired.locator('.dr-body [role="row"] [role="cell"]:first-child').allTextContents(), ['L-1', 'L-3']);
  await screenshot(page, 'dryrun-youlend');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a file shared out between workers by byte ranges keeps every loan, its line and file order', async () => {
  // One helper worker even on a one-core machine; 40,000 loans (12 MB) is past the sharing threshold.
  const { page, context, problems } = await app.open('?dryrun-helpers=1');
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  const broken = [4, 19_999, 20_000, 20_001, 39_998];
  const text = portfolio(40_000, { broken }).replace('\n', '\n\n');
  await pick(page, 'shared.ndjson', text);
  const done = await finished(page);
  const want = expected(text);
  assert.equal(done.state, 'done', done.text);
  assert.equal(await summary(page).getAttribute('data-workers'), '2');
  assert.deepEqual([done.loans, done.fired, done.errors], [want.loans, want.fired, want.errors]);
  const errors = page.getByTestId('dryrun-errors');
  await errors.getByRole('row').nth(1).waitFor();
  const rows = await errors.locator('.dr-body [role="row"]').evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('[role="cell"]')].map((c) => c.textContent)));
  // Loan i is on line i + 2 after the first (a blank line follows it); in file order.
  const lines = broken.map((i) => i + 2);
  assert.deepEqual(rows.map((r) => Number(r[0])), lines);
  for (const [i, row] of rows.entries()) assert.match(row[2], new RegExp(`line ${lines[i]}, column`));

  // Helpers start on their ranges before the worker has looked at the file's
  // head; a large JSON array is not shared, and what they began is dropped.
  const array = `[${portfolio(30_000).trimEnd().split('\n').join(',\n')}]`;
  const arrayWant = expected(portfolio(30_000));
  await pick(page, 'array.json', array);
  await page.locator('[data-testid="dryrun-summary"][data-state="done"][data-loans="30000"]').waitFor();
  const whole = await finished(page);
  assert.equal(await summary(page).getAttribute('data-workers'), '1');
  assert.deepEqual([whole.loans, whole.fired, whole.errors], [arrayWant.loans, arrayWant.fired, 0]);

  // A gzipped file is undone as it streams in, on one worker; every loan and broken line counted.
  const gzText = portfolio(25_000, { broken: [7, 24_000] });
  const gzWant = expected(gzText);
  await pick(page, 'portfolio.ndjson.gz', gzipSync(gzText));
  await page.locator('[data-testid="dryrun-summary"][data-state="done"][data-loans="25000"]').waitFor();
  const unzipped = await finished(page);
  assert.equal(await summary(page).getAttribute('data-workers'), '1');
  assert.deepEqual([unzipped.loans, unzipped.fired, unzipped.errors], [gzWant.loans, gzWant.fired, gzWant.errors]);
  // Cut short, it says so instead of counting what it got.
  const gz = gzipSync(portfolio(2_000));
  await pick(page, 'cut.ndjson.gz', gz.subarray(0, gz.length >> 1));
  const cut = await finished(page);
  assert.equal(cut.state, 'error', cut.text);
  assert.match(cut.text, /the gzip file is damaged or cut off/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('JSON objects printed over several lines (jq .) are a loan each, never shared out by lines', async () => {
  // Each loan over several lines, one after another: read as NDJSON every line was a "loan" and
  // an error; large enough to be shared out, the helpers' byte ranges of lines were NDJSON too.
  const { page, context, problems } = await app.open('?dryrun-helpers=1');
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  const lines = portfolio(40_000).trimEnd().split('\n');
  const pretty = lines.map((l) => JSON.stringify(JSON.parse(l), null, 2)).join('\n') + '\n';
  await pick(page, 'pretty.json', pretty);
  await page.locator('[data-testid="dryrun-summary"][data-state="done"][data-loans="40000"]').waitFor({ timeout: 60_000 });
  const done = await finished(page);
  const want = expected(lines.join('\n'));
  assert.deepEqual([done.loans, done.fired, done.errors], [want.loans, want.fired, 0], done.text);
  assert.match(done.text, /JSON objects/);
  assert.equal(await summary(page).getAttribute('data-workers'), '1');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a small portfolio with text ids: its size in bytes, ids in the diff as text, empty tables say so', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  const text = [
    { 'loan-id': 'Müller-2', 'status-days-past-due': 5, 'loan-status': 'Open' },
    { 'loan-id': 'L-7', 'status-days-past-due': 5, 'loan-status': 'Collections' },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n';
  await pick(page, 'small.ndjson', text);
  const done = await finished(page);
  assert.deepEqual([done.state, done.loans, done.fired, done.errors], ['done', 2, 2, 0], done.text);
  // A file under a kilobyte is named in bytes, not rounded up to "1 KB".
  assert.equal(await page.getByTestId('dryrun-file').textContent(), `small.ndjson (${Buffer.byteLength(text)} bytes)`);
  // No errors: the table says so, with no empty box of rows above it.
  const errors = page.getByTestId('dryrun-errors');
  assert.equal(await errors.locator('.empty').textContent(), 'No rows.');
  assert.equal(await errors.locator('.dr-viewport').evaluate((e) => e.clientHeight), 0);
  const fired = page.getByTestId('dryrun-fired');
  await fired.getByRole('searchbox').fill('nobody');
  await page.waitForFunction(() => document.querySelector('[data-testid="dryrun-fired"]').dataset.total === '0');
  assert.equal(await fired.locator('.empty').textContent(), 'No rows match \u201cnobody\u201d.');
  // The diff names ids as the tables show them: text, not JSON with quotes and escapes.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(= loan-status "Open")');
  await page.getByTestId('dryrun-diff').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('dryrun-diff').textContent(), /No longer firing: L-7(?!")/);
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  await page.locator('[data-testid="dryrun-diff"][data-newly="1"]').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('dryrun-diff').textContent(), /Newly firing: L-7(?!")/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a generated sample portfolio runs; Cancel stops a big run', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  await page.getByRole('button', { name: 'Generate sample portfolio' }).click();
  const done = await finished(page);
  assert.equal(done.state, 'done');
  assert.equal(done.loans, 10000);
  assert.ok(done.fired > 0);

  // 800,000 loans: long enough (about a second) to be cancelled while it runs.
  await pick(page, 'big.ndjson', portfolio(200_000).repeat(4));
  await page.locator('[data-testid="dryrun-summary"][data-state="running"]').waitFor();
  await page.getByRole('button', { name: 'Cancel dry run' }).click();
  await page.locator('[data-testid="dryrun-summary"][data-state="error"]').waitFor();
  assert.match(await summary(page).textContent(), /cancelled/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('200,000 loans in the page against JSON.parse + json-logic-js in the same page', async () => {
  // HOOKWRIGHT_DRYRUN_HELPERS=N times the run shared with N helper workers.
  const helpers = process.env.HOOKWRIGHT_DRYRUN_HELPERS;
  // The file exists before the page opens, as a user's does: made after, its
  // generation (about a second of this process) held up the test's own server
  // while the page was still loading its workers.
  const text = portfolio(200_000);
  const want = expected(text);
  const path = join(dir, 'bench.ndjson');
  await writeFile(path, text);
  const { page, context, problems } = await app.open(helpers ? `?dryrun-helpers=${helpers}` : '', { wait: ruleShown });
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  // A user picks a file on a page that has loaded: every file it fetches (the
  // dry run's workers too) is in, and nothing has been fetched for half a second.
  await page.waitForLoadState('networkidle');
  // The JavaScript pair reads the same file from an input of its own.
  await prepareJsPair(page, path);
  // The target is 0.5 (BENCHMARKS.md); on the shared 2-core machine the test
  // only guards against a regression.
  const ratioLimit = Number(process.env.HOOKWRIGHT_DRYRUN_RATIO ?? 2);
  let best;
  for (let attempt = 1; attempt <= 3; attempt++) {
    // A fresh file object each time, so the run starts anew.
    await page.evaluate(() => {
      window.__tasks = [];
      window.__obs?.disconnect();
      window.__obs = new PerformanceObserver((list) => window.__tasks.push(...list.getEntries().map((e) => e.duration)));
      window.__obs.observe({ type: 'longtask' });
    });
    await armDryRunClock(page, 200000);
    // Chromium's trace of the main thread, from the pick to the results on screen.
    const { tasks: traced } = await traceMainThread(app.browser, page, async () => {
      await page.getByLabel('Portfolio', { exact: true }).setInputFiles(path);
      await page.evaluate(() => window.__done);
      await page.waitForFunction(() => document.querySelector('[data-testid="dryrun-fired"] .dr-body [role="row"]'));
    });
    const observed = await page.evaluate(() => {
      const s = document.querySelector('[data-testid="dryrun-summary"]');
      const worker = { ms: Number(s.dataset.ms), work: Number(s.dataset.workMs), workers: Number(s.dataset.workers) };
      return { tasks: [...window.__tasks], worker };
    });
    // The same file, the same page: JSON.parse + json-logic-js.
    const timing = { ...observed, ...(await timeAgainstJsPair(page)) };
    console.log(`200k loans in the page (run ${attempt}): dry run ${timing.dryRun.toFixed(0)} ms ` +
      `(${timing.worker.workers} worker(s): ${timing.worker.ms} ms, ${timing.worker.work} ms of it evaluating in the first), ` +
      `JSON.parse + json-logic-js ${timing.js.toFixed(0)} ms (ratio ${(timing.dryRun / timing.js).toFixed(2)}); ` +
      `long tasks (ms): ${timing.tasks.map((t) => t.toFixed(0)).join(', ') || 'none'}`);
    assert.equal(timing.fired, want.fired);
    // Every run: no main-thread task over 50 ms, within longtasks.mjs's bound.
    console.log(`  run ${attempt}: ${checkTasks(assert, traced)}`);
    if (!best || timing.dryRun / timing.js < best.dryRun / best.js) best = timing;
  }
  const done = await finished(page);
  assert.deepEqual([done.loans, done.fired, done.errors], [want.loans, want.fired, 0]);
  assert.ok(best.dryRun / best.js <= ratioLimit, `dry run ${best.dryRun} ms vs ${best.js} ms (ratio limit ${ratioLimit})`);
  // The fired table scrolls: jump far down and rows arrive.
  const viewport = page.locator('[data-testid="dryrun-fired"] .dr-viewport');
  await viewport.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="dryrun-fired"] .dr-body [role="row"]')];
    return rows.some((r) => Number(r.getAttribute('aria-rowindex')) > 1000);
  });
  await screenshot(page, 'dryrun-200k');
  assert.deepEqual(problems, []);
  await context.close();
});
