// The YouLend views: reconciling a pasted batch (tables, sorting, filters, CSV export), the
// 100,000-event batch read in slices with progress, and the signature Verify panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { appUnderTest, screenshot, ready, saved, until } from '../harness.mjs';
import { traceMainThread, checkTasks } from '../longtasks.mjs';

const app = appUnderTest();

const settlement = {
  EventCode: 'LOA10055',
  Message: 'A settlement from a partner has been processed - payments towards the loan have been initiated',
  EventProperties: {
    LoanId: 'L-1',
    TotalSettlementAmount: '400',
    SettlementReference: 'march <b>settlement</b>',
    PaymentsToLenders: [
      { Amount: '300.10', PaymentCorrelationId: 'P-A' },
      { Amount: '99.90', PaymentCorrelationId: 'P-B' },
    ],
  },
};
const repayment = (id, amount, date, principal, loan = 'L-1') => ({
  EventCode: 'LOA10040',
  EventProperties: { CorrelationId: id, LoanId: loan, PaymentAmount: amount, PaymentDate: date, PrincipalRemaining: principal },
  Message: 'A repayment was made towards the loan',
});
const repaid = repayment('P-A', '300.10', '2024-03-01T09:00:00Z', '4700.00');
const manual = repayment('MANUAL-1', '25.50', '2024-03-03T12:00:00Z', '4674.50');
const batch = [
  JSON.stringify(manual),
  JSON.stringify(settlement),
  JSON.stringify(repaid),
  JSON.stringify(repaid), // YouLend retried the delivery
  '{"EventCode": "LOA10040", "EventProperties": {',
].join('\n');

/** Waits until every table shows the rows it asked its worker for. */
const settled = (page) => page.waitForFunction(() => !document.querySelector('.report-table[aria-busy="true"]'));

const rows = async (page, testid) => {
  await settled(page);
  return page.getByTestId(testid).locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
  );
};

async function openReconcile(page) {
  await ready(page);
  await page.getByRole('button', { name: 'Reconcile', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Reconcile YouLend repayments' }).waitFor();
}

test('reconcile a pasted batch: tables, sorting, filters and CSV export', async () => {
  const { page, context, problems } = await app.open('', { wait: null });
  await openReconcile(page);
  assert.equal(await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Reconcile' }).getAttribute('aria-current'), 'page');
  await page.getByTestId('reconcile-empty').waitFor();
  await screenshot(page, 'youlend-reconcile-empty');

  await page.getByLabel(/Paste a batch/).fill(batch);
  await page.locator('main').getByRole('button', { name: 'Reconcile', exact: true }).click();
  await page.getByTestId('reconcile-results').waitFor();

  assert.deepEqual(await rows(page, 'settlements'), [
    ['march <b>settlement</b>', 'L-1', '400', '400.00', 'balanced', '2', '1'],
  ]);
  // User text is text: the reference's markup is shown, never parsed.
  assert.equal(await page.getByTestId('settlements').locator('b').count(), 0);
  assert.deepEqual(await rows(page, 'payments'), [
    ['march <b>settlement</b>', 'P-A', '300.10', 'repaid', '300.10', '2024-03-01T09:00:00Z', '—'],
    ['march <b>settlement</b>', 'P-B', '99.90', 'pending', '—', '—', '—'],
  ]);
  assert.deepEqual(await rows(page, 'manual-payments'), [
    ['L-1', '2024-03-03T12:00:00Z', 'MANUAL-1', '25.50', 'matches no settlement', '4674.50'],
  ]);
  assert.equal(await page.getByTestId('duplicates').textContent(), '1');
  const errors = await rows(page, 'reconcile-errors');
  assert.equal(errors.length, 1);
  assert.equal(errors[0][0], '5');
  assert.match(errors[0][2], /the text ends inside/);
  assert.deepEqual(await rows(page, 'loans'), [['L-1', '2', '1', '325.60', '2024-03-03T12:00:00Z', '4674.50']]);
  assert.deepEqual(
    (await rows(page, 'loan-repayments')).map((r) => r[2]),
    ['P-A', 'MANUAL-1'],
  );
  // Each table is named by its title and row count, read as two words apart.
  await page.getByRole('region', { name: 'Settlements (LOA10055) 1 row', exact: true }).waitFor();
  await screenshot(page, 'youlend-reconcile-results');

  // Sort payments by amount, by click and then by keyboard; aria-sort follows.
  const amountHeader = page.getByTestId('payments').locator('th', { hasText: 'Amount' }).first();
  await amountHeader.getByRole('button').click();
  assert.equal(await amountHeader.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual((await rows(page, 'payments')).map((r) => r[1]), ['P-B', 'P-A']);
  await amountHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await amountHeader.getAttribute('aria-sort'), 'descending');
  assert.deepEqual((await rows(page, 'payments')).map((r) => r[1]), ['P-A', 'P-B']);

  // Filters: by status and by text.
  const payments = page.locator('section', { has: page.getByTestId('payments') });
  await payments.getByLabel('Status').selectOption('pending');
  assert.deepEqual((await rows(page, 'payments')).map((r) => r[1]), ['P-B']);
  await payments.getByLabel('Status').selectOption('');
  await payments.getByLabel('Filter').fill('p-a');
  assert.deepEqual((await rows(page, 'payments')).map((r) => r[1]), ['P-A']);
  await payments.getByLabel('Filter').fill('nothing like this');
  await payments.getByText('No row matches these filters').waitFor();
  await payments.getByLabel('Filter').fill('');
  await settled(page);
  await screenshot(page, 'youlend-reconcile-sorted');

  // CSV: the rows as sorted, all of them.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    payments.getByRole('button', { name: /Export CSV/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'youlend-payments.csv');
  const csv = await readFile(await download.path(), 'utf8');
  assert.equal(
    csv,
    'Settlement,Payment correlation id,Amount,Status,Repaid amount,Repaid on,Check\r\n' +
      'march <b>settlement</b>,P-A,300.10,repaid,300.10,2024-03-01T09:00:00Z,\r\n' +
      'march <b>settlement</b>,P-B,99.90,pending,,,\r\n',
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('Ctrl+Enter in the box reconciles what is pasted; one event reads "1 event"', async () => {
  const { page, context, problems } = await app.open('', { wait: null });
  await openReconcile(page);
  await page.getByLabel(/Paste a batch/).fill(JSON.stringify(repaid));
  await page.getByLabel(/Paste a batch/).press('Control+Enter');
  await page.getByTestId('reconcile-results').waitFor();
  assert.match(await page.getByTestId('reconcile-results').textContent(), /Reconciled 1 event from pasted events/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the sample batch shows every case, in the dark theme too', async () => {
  const { page, context, problems } = await app.open('#reconcile', { colorScheme: 'dark', wait: null });
  await page.getByRole('button', { name: 'Load sample batch' }).click();
  await page.getByTestId('reconcile-results').waitFor();
  assert.equal((await rows(page, 'settlements')).length, 3);
  assert.equal(await page.getByTestId('duplicates').textContent(), '1');
  assert.equal((await rows(page, 'manual-payments')).length, 3);
  assert.equal((await rows(page, 'reconcile-errors')).length, 2);
  assert.equal((await rows(page, 'loans')).length, 4);
  await screenshot(page, 'youlend-reconcile-sample-dark');
  // Back to Connections: the editor is as it was.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Connections', exact: true }).click();
  await page.locator('#connection-title').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

/** The bench's shape: settlements split between lenders, most repaid, manual payments, other codes, retries. */
function bigBatch(events) {
  let seed = 0x5eed0003;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const rnd = (n) => next() % n;
  const hex = (digits) => (next() % 16 ** Math.min(digits, 7)).toString(16).padStart(digits, '0');
  const id = () => `${hex(4)}${hex(4)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`;
  const amount = () => `${10 + rnd(5000)}.${String(rnd(100)).padStart(2, '0')}`;
  const date = () => `2024-${String(1 + rnd(12)).padStart(2, '0')}-${String(1 + rnd(28)).padStart(2, '0')}T${String(rnd(24)).padStart(2, '0')}:00:00Z`;
  const loans = Array.from({ length: 5000 }, () => [id(), id()]);
  const lines = [];
  const rep = (cid, loan, lead, amt) =>
    `{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"${cid}","LeadId":"${lead}","LoanId":"${loan}","PaymentAmount":"${amt}","PaymentDate":"${date()}","PrincipalRemaining":"${rnd(20000)}.${String(rnd(100)).padStart(2, '0')}"},"Message":"A repayment was made towards the loan"}`;
  while (lines.length < events * 0.97) {
    const [loan, lead] = loans[rnd(loans.length)];
    const kind = rnd(20);
    if (kind < 14) {
      const parts = Array.from({ length: 2 + rnd(2) }, () => [amount(), id()]);
      const cents = parts.reduce((sum, [a]) => sum + Number(a.replace('.', '')), 0);
      const total = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      lines.push(
        `{"EventCode":"LOA10055","Message":"A settlement from a partner has been processed - payments towards the loan have been initiated","EventProperties":{"LoanId":"${loan}","TotalSettlementAmount":"${total}","SettlementReference":"settlement ${rnd(1e6)}","PaymentsToLenders":[${parts.map(([a, p]) => `{"Amount":"${a}","PaymentCorrelationId":"${p}"}`).join(',')}],"LeadId":"${lead}"}}`,
      );
      for (const [a, p] of parts) if (rnd(10) < 8) lines.push(rep(p, loan, lead, a));
    } else if (kind < 18) {
      lines.push(rep(rnd(3) === 0 ? '' : id(), loan, lead, amount()));
    } else {
      lines.push(`{"EventCode":"ONB10009","Message":"Stage 1 submitted","EventProperties":{"LeadId":"${lead}"}}`);
    }
  }
  while (lines.length < events) lines.push(lines[rnd(lines.length)]);
  lines.length = events;
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return lines.join('\n');
}

/** A fresh Reconcile view with a generated batch of `events` ready in the page, as a File and as pasted text. */
async function prepare(page, events, fresh) {
  // A reload while the favicon is still loading would fail that request; the first run has a fresh page.
  if (!fresh) await page.reload();
  await page.getByTestId('reconcile-empty').waitFor({ timeout: 15_000 });
  await page.evaluate(`(() => {
    const text = (${bigBatch})(${events});
    window.__batch = new File([text], 'batch-${events / 1000}k.ndjson', { type: 'application/x-ndjson' });
    window.__clipboard = new DataTransfer();
    window.__clipboard.setData('text/plain', text);
  })()`);
}

/** Drops the prepared batch on the intake panel (or pastes it) and times it until the report is on screen. */
async function reconcileBatch(page, how) {
  return page.evaluate(async (how) => {
    let sawProgress = false;
    const started = performance.now();
    if (how === 'drop') {
      const transfer = new DataTransfer();
      transfer.items.add(window.__batch);
      document.querySelector('.intake').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    } else {
      const paste = new ClipboardEvent('paste', { clipboardData: window.__clipboard, bubbles: true, cancelable: true });
      document.getElementById('batch-input').dispatchEvent(paste);
    }
    await new Promise((resolve) => {
      const check = () => {
        if (document.querySelector('[data-testid="reconcile-progress"] progress')) sawProgress = true;
        if (document.querySelector('[data-testid="reconcile-results"]') && !document.querySelector('.report-table[aria-busy="true"]')) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    return {
      total: performance.now() - started,
      reconcile: Number(document.querySelector('[data-testid="reconcile-results"]').dataset.elapsedMs),
      sawProgress,
    };
  }, how);
}

// The goal is under 1,000 ms (median 907 ms here on 2026-12-01, 778 - 1,074 ms; BENCHMARKS.md). The machine is
// often busy with other builds, so like a benchmark this keeps the best of a few runs, and holds
// it to twice the goal, a test's generous bound; HOOKWRIGHT_RECONCILE_LIMIT_MS changes the
// bound. Every run's main-thread tasks are checked (longtasks.mjs).
test('100,000 dropped events reconcile in a worker, with progress, without blocking the page', async () => {
  const { page, context, problems } = await app.open('#reconcile', { wait: null });
  const limit = Number(process.env.HOOKWRIGHT_RECONCILE_LIMIT_MS ?? 2000);
  let best;
  for (let attempt = 1; attempt <= 5; attempt++) {
    await prepare(page, 100_000, attempt === 1);
    const { result: timing, tasks } = await traceMainThread(app.browser, page, () => reconcileBatch(page, 'drop'));
    const line = checkTasks(assert, tasks);
    console.log(
      `100k events in the page (run ${attempt}): ${timing.reconcile} ms reading and reconciling, ` +
        `${timing.total.toFixed(0)} ms from drop to tables on screen; ${line}`,
    );
    assert.ok(timing.sawProgress, 'a progress bar was shown');
    if (!best || timing.reconcile < best.reconcile) best = timing;
    if (best.reconcile < limit) break;
  }
  assert.ok(best.reconcile < limit, `reconciling took ${best.reconcile} ms (limit ${limit})`);
  assert.equal(await page.getByTestId('events').getAttribute('data-value'), '95785');
  // Sorting and filtering ~70,000 payments to lenders stays interactive.
  const interaction = await page.evaluate(async () => {
    // Until the table shows what it asked the worker for, and that is painted.
    const settle = () => new Promise((resolve) => {
      const check = () => (document.querySelector('.report-table[aria-busy="true"]') ? requestAnimationFrame(check) : setTimeout(resolve));
      requestAnimationFrame(check);
    });
    const table = document.querySelector('[data-testid="payments"]');
    let t = performance.now();
    table.querySelectorAll('th button')[1].click();
    await settle();
    const sort = performance.now() - t;
    const filter = table.closest('section').querySelector('input[type="search"]');
    t = performance.now();
    filter.value = 'a';
    filter.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await settle();
    const firstFilter = performance.now() - t;
    t = performance.now();
    filter.value = 'ab';
    filter.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await settle();
    const nextFilter = performance.now() - t;
    filter.value = '';
    filter.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await settle();
    return { rows: table.closest('section').querySelector('.row-count').textContent, sort, firstFilter, nextFilter };
  });
  console.log(
    `payments table (${interaction.rows}): sort ${interaction.sort.toFixed(0)} ms, ` +
      `first filter keystroke ${interaction.firstFilter.toFixed(0)} ms, next ${interaction.nextFilter.toFixed(0)} ms`,
  );
  // The tables show a page of rows, not 100,000.
  assert.equal((await rows(page, 'payments')).length, 50);
  await page.getByRole('button', { name: 'Show more' }).first().click();
  assert.equal((await rows(page, 'settlements')).length, 300);
  await screenshot(page, 'youlend-reconcile-100k');
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 15's sizes: a 52 MB batch of 210,000 events, dropped and then pasted. Reading and
// reconciling happen in the worker; the page's main thread never holds a task over 50 ms (checked with longtasks.mjs's bound).
test('210,000 events (52 MB) dropped or pasted never block the page', async () => {
  const { page, context, problems } = await app.open('#reconcile', { wait: null });
  for (const [attempt, how] of ['drop', 'paste'].entries()) {
    await prepare(page, 210_000, attempt === 0);
    const { result: timing, tasks } = await traceMainThread(app.browser, page, () => reconcileBatch(page, how));
    const line = checkTasks(assert, tasks);
    console.log(`210k events, ${how}: ${timing.reconcile} ms in the worker, ${timing.total.toFixed(0)} ms to tables on screen; ${line}`);
    assert.equal(await page.getByTestId('events').getAttribute('data-value'), '199285');
    assert.ok(timing.total < 120_000);
  }
  // Sorting the biggest table happens in the worker too.
  const { tasks } = await traceMainThread(app.browser, page, async () => {
    await page.getByTestId('payments').locator('th button').nth(2).click();
    await settled(page);
  });
  checkTasks(assert, tasks);
  assert.equal((await rows(page, 'payments')).length, 50);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a long run can be cancelled', async () => {
  const { page, context, problems } = await app.open('#reconcile', { wait: null });
  await page.getByTestId('reconcile-empty').waitFor({ timeout: 15_000 });
  const text = bigBatch(100_000);
  // Drop it and press Cancel at the first progress report, before the run can finish.
  const cancelledAt = await page.evaluate(async (text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'big.ndjson'));
    document.querySelector('.intake').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    return new Promise((resolve) => {
      const check = () => {
        const progress = document.querySelector('[data-testid="reconcile-progress"]');
        if (progress && Number(progress.querySelector('progress').value) > 0) {
          const label = progress.querySelector('label').textContent;
          progress.querySelector('button').click();
          resolve(label);
        } else requestAnimationFrame(check);
      };
      check();
    });
  }, text);
  assert.match(cancelledAt, /Reading big\.ndjson: [\d,]+ events read \(\d+%\)/);
  await page.getByTestId('reconcile-cancelled').waitFor();
  await screenshot(page, 'youlend-reconcile-cancelled');
  assert.equal(await page.getByTestId('reconcile-results').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

const body = '{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"cf08c5de-ef80-460c-aedd-76a49c2ca388","LoanId":"d90c9fc1-cdd0-4dfc-810a-e2bab1f76199","PaymentAmount":"10.00","PaymentDate":"2023-10-20T00:00:00Z"},"Message":"A repayment was made towards the loan"}';
const secret = 'c2VjcmV0LWtleS1mb3ItaG9va3dyaWdodC10ZXN0cw==';
const sign = (key) => `sha256=${createHmac('sha256', key).update(body).digest('base64')}`;

test('verify: valid with either key form, invalid, malformed; the secret is never stored', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  const result = page.getByTestId('verify-result');
  assert.equal(await result.getAttribute('data-value'), 'incomplete');
  await screenshot(page, 'youlend-verify-empty');

  const secretField = page.getByLabel('Secret key');
  assert.equal(await secretField.getAttribute('type'), 'password');
  await page.getByLabel('Raw body').fill(body);
  await page.getByLabel('Signature header value').fill(sign(Buffer.from(secret, 'utf8')));
  await secretField.pressSequentially(secret.slice(0, 10));
  await secretField.fill(secret);
  assert.equal(await result.getAttribute('data-value'), 'valid');
  assert.match(await result.textContent(), /the secret's text/);
  await screenshot(page, 'youlend-verify-valid-text');

  await page.getByLabel('Signature header value').fill(sign(Buffer.from(secret, 'base64')));
  assert.equal(await result.getAttribute('data-value'), 'valid');
  assert.match(await result.textContent(), /base64-decoded bytes/);

  // Re-serialised JSON has other bytes: the signature no longer matches.
  await page.getByLabel('Raw body').fill(JSON.stringify(JSON.parse(body), null, 2));
  assert.equal(await result.getAttribute('data-value'), 'invalid');
  assert.match(await result.textContent(), /matches neither/);
  await screenshot(page, 'youlend-verify-invalid');

  await page.getByLabel('Raw body').fill(body);
  await page.getByLabel('Signature header value').fill('md5=abc');
  assert.equal(await result.getAttribute('data-value'), 'invalid');
  assert.match(await result.textContent(), /must start with `sha256=`/);
  await page.getByLabel('Signature header value').fill('sha256=AAAA');
  assert.match(await result.textContent(), /decodes to 3 bytes/);
  await screenshot(page, 'youlend-verify-malformed');

  // The reveal toggle.
  await page.getByRole('button', { name: 'Show' }).click();
  assert.equal(await secretField.getAttribute('type'), 'text');
  assert.equal(await page.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: 'Hide' }).click();
  assert.equal(await secretField.getAttribute('type'), 'password');

  // Nothing of the secret in storage, even after the autosave delay and a workspace edit.
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Edited after verifying');
  await saved(page, (w) => JSON.stringify(w).includes('Edited after verifying'), 'the edit saved');
  const stored = await page.evaluate(() =>
    JSON.stringify([
      Object.entries(localStorage),
      Object.entries(sessionStorage),
      location.href,
    ]),
  );
  assert.match(stored, /Edited after verifying/);
  for (const piece of [secret, secret.slice(0, 10), Buffer.from(secret, 'base64').toString('utf8')]) {
    assert.ok(!stored.includes(piece), 'the secret is not stored');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Connections view is unchanged and the view survives a reload', async () => {
  const { page, context, problems } = await app.open();
  // The page's own requests in flight. A reload must not cut the favicon's
  // short; the dry run's worker, started and then stopped as the Connections
  // view goes, leaves its wasm request open in Playwright's eyes forever, so
  // `networkidle` is not usable here.
  const inFlight = new Set();
  page.on('request', (r) => { if (!r.url().includes('dryrun_worker')) inFlight.add(r); });
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  assert.equal(await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Connections' }).getAttribute('aria-current'), 'page');
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.getByTestId('verify-result').waitFor();
  await until(async () => inFlight.size === 0, "the page's requests finished");
  await page.reload();
  await page.getByTestId('verify-result').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByLabel('Secret key').inputValue(), '');
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await ready(page);
  assert.deepEqual(problems, []);
  await context.close();
});
