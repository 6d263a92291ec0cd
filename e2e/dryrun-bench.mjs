// The page dry run benchmark's clock and portfolio, shared by the e2e tests
// (tests/dryrun.test.mjs) and scripts/bench-dryrun/page-ab.mjs and first-run.mjs, with the
// peer they are timed against (JSON.parse + json-logic-js). The clock runs from the
// Portfolio input's change event (captured before the page sees it) to the
// frame that first shows the summary done with `loans` loans.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Arms the clock: `window.__t0` is set at the pick, `window.__done` resolves to the end. */
export async function armDryRunClock(page, loans) {
  await page.evaluate((loans) => {
    document.querySelector('input[aria-label="Portfolio"]').addEventListener('change', () => {
      window.__t0 = performance.now();
    }, { capture: true, once: true });
    window.__done = new Promise((resolve) => {
      let started = false;
      const check = () => {
        const s = document.querySelector('[data-testid="dryrun-summary"]');
        if (s?.dataset.state === 'running') started = true;
        if (started && s?.dataset.state === 'done' && s.dataset.loans === String(loans)) resolve(performance.now());
        else requestAnimationFrame(check);
      };
      check();
    });
  }, loans);
}

/** `count` loans as NDJSON, ~290 bytes each; deterministic. */
export function portfolio(count, { broken = [] } = {}) {
  const statuses = ['Open', 'Open - Repaying', 'Collections', 'Closed', 'Paid Off'];
  let x = 2463534242;
  const rand = (n) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
  const lines = [];
  for (let i = 0; i < count; i++) {
    if (broken.includes(i)) {
      lines.push(`{"loan-id": ${100000 + i}, "loan-status": `);
      continue;
    }
    const d = rand(10);
    const dpd = d < 6 ? 0 : d === 6 ? 5 : 1 + rand(120);
    lines.push(JSON.stringify({
      'loan-id': 100000 + i,
      'loan-status': statuses[rand(statuses.length)],
      'current-date': '2022-09-26',
      'status-days-past-due': dpd,
      'status-amount-due': dpd ? 100 + rand(400) : 0,
      'status-principal-balance': 500 + rand(20000),
      'next-scheduled-payment-date': `2022-10-${String(1 + rand(28)).padStart(2, '0')}`,
      customer: { primary: { 'full-name': `Borrower ${rand(1000)}` } },
    }));
  }
  return lines.join('\n') + '\n';
}

/**
 * Sets up the peer in `page`: json-logic-js (from e2e/node_modules) and a
 * hidden file input of its own holding `path`, the same file the dry run picks.
 */
export async function prepareJsPair(page, path) {
  await page.addScriptTag({ path: join(here, 'node_modules', 'json-logic-js', 'logic.js') });
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-file', hidden: true });
    document.body.append(input);
  });
  await page.locator('#bench-file').setInputFiles(path);
}

/**
 * Once the dry run armed by `armDryRunClock` has finished: its time, then the
 * peer's in the same page over the same file, JSON.parse + json-logic-js on
 * the seed rule, line by line. `{ dryRun, js, fired, pick }`, times in ms.
 */
export async function timeAgainstJsPair(page) {
  return page.evaluate(async () => {
    const dryRun = (await window.__done) - window.__t0;
    const file = document.getElementById('bench-file').files[0];
    const rule = { and: [{ '==': [{ var: 'status-days-past-due' }, 5] },
      { or: [{ '==': [{ var: 'loan-status' }, 'Open'] }, { '==': [{ var: 'loan-status' }, 'Collections'] }] }] };
    const t = performance.now();
    const body = file ? await file.text() : '';
    let fired = 0;
    let start = 0;
    while (start < body.length) {
      let end = body.indexOf('\n', start);
      if (end === -1) end = body.length;
      if (end > start && window.jsonLogic.apply(rule, JSON.parse(body.slice(start, end)))) fired++;
      start = end + 1;
    }
    const js = performance.now() - t;
    return { dryRun, js, fired, pick: window.__t0 };
  });
}
