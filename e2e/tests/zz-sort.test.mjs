import { appUnderTest } from '../harness.mjs';
import { test, before, after } from 'node:test';
import { readFileSync } from 'node:fs';
const src = readFileSync('/work/main/e2e/tests/youlend.test.mjs', 'utf8');
const app = appUnderTest();
test('dbg', async () => {
  const { page, context } = await app.open('#reconcile', { wait: null });
  // reuse bigBatch from test file
  const m = src.match(/function bigBatch[\s\S]*?\n}\n/);
  const bigBatch = m[0];
  await page.getByTestId('reconcile-empty').waitFor({ timeout: 15_000 });
  await page.evaluate(`(() => { ${bigBatch}; const text = bigBatch(100000);
    window.__batch = new File([text], 'b.ndjson', { type: 'application/x-ndjson' }); })()`);
  if (process.env.STYLE) await page.addStyleTag({ content: process.env.STYLE });
  await page.evaluate(async () => { const transfer = new DataTransfer(); transfer.items.add(window.__batch);
    document.querySelector('.intake').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await new Promise((resolve) => { const check = () => { if (document.querySelector('[data-testid="reconcile-results"]') && !document.querySelector('.report-table[aria-busy="true"]')) resolve(); else requestAnimationFrame(check); }; check(); }); });
  await new Promise((r) => setTimeout(r, 1000));
  const cats = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.compile', 'blink', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed','disabled-by-default-devtools.timeline.stack'];
  await app.browser.startTracing(page, { categories: cats });
  const rest = await page.evaluate(async () => {
    const before = JSON.stringify(window.hookwrightRest);
    document.querySelector('[data-testid="payments"]').querySelectorAll('th button')[2].click(); await new Promise((r) => requestAnimationFrame(r));
    const seen = {}; const t0 = performance.now();
    await new Promise((resolve) => { const check = () => { document.querySelectorAll('.report-table').forEach((s, i) => { const n = s.querySelectorAll('tbody tr').length; if (n && !seen[i]) seen[i] = (performance.now() - t0).toFixed(0) + 'ms:' + n; }); if (document.querySelector('[data-testid="reconcile-results"]') && !seen.res) seen.res = (performance.now() - t0).toFixed(0); if (document.querySelector('[data-testid="reconcile-results"]') && !document.querySelector('.report-table[aria-busy="true"]')) resolve(); else requestAnimationFrame(check); }; check(); });
    return JSON.stringify(seen);
  });
  const events = JSON.parse((await app.browser.stopTracing()).toString('utf8')).traceEvents;
  console.log('rest', rest);
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => mains.has(`${e.pid}:${e.tid}`) && e.ph === 'X');
  const tasks = onMain.filter((e) => e.name === 'RunTask').sort((a, b) => b.dur - a.dur).slice(0, 3);
  { const t = tasks[0]; const inner = onMain.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && ['Layout','UpdateLayoutTree','FunctionCall','Paint','PrePaint'].includes(e.name) && e.dur > 1000 || e.name === 'FunctionCall');
 console.log('LONGEST', tasks[0].dur/1000, inner.map((e) => `${e.name}:${(e.dur/1000).toFixed(0)}:${e.args?.beginData?.dirtyObjects ?? e.args?.elementCount ?? e.args?.beginData?.elementCount ?? ''}/${e.args?.beginData?.totalObjects ?? ''}`).join(' ')); } for (const t of []) {
    console.log('TASK', t.dur / 1000, 'ms at', t.ts);
    const inner = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 0 && !e.name.startsWith('InlineNode') && (t.dur > 40000) && (true||e.name==='UpdateLayoutTree'||e.name==='FunctionCall'||e.name==='HandlePostMessage'||e.name.startsWith('Blink.Forced')) && true).sort((a, b) => a.ts - b.ts);
    for (const e of inner) console.log('   ', ((e.ts - t.ts) / 1000).toFixed(1), (e.dur / 1000).toFixed(1), e.name, JSON.stringify(e.args?.beginData?.stackTrace ?? e.args?.data?.stackTrace ?? e.args?.data?.functionName ?? e.args?.beginData ?? e.args?.data ?? '').slice(0, 600));
  }
  await context.close();
});
