// Two builds of the page side by side in one headless Chromium: the e2e
// test's 200,000-loan file picked into each build's Dry run section in turn,
// then JSON.parse + json-logic-js over it in the same page, ROUNDS times
// (default 6). Besides the wall times it prints each thread's own CPU time
// from Chromium's trace of the run (pick to done), which a loaded machine
// disturbs far less than wall time. Not part of scripts/test.
//   node scripts/bench-dryrun/page-ab.mjs OLD_DIST NEW_DIST     # e.g. a copy of main's dist/ and dist/
// Needs two `trunk build --release` outputs and e2e/node_modules (scripts/setup).
import { createServer } from 'node:http';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { launchBrowser } from '../../e2e/harness.mjs';
import { armDryRunClock, portfolio, prepareJsPair, timeAgainstJsPair } from '../../e2e/dryrun-bench.mjs';

const dists = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 6);
const SEED = '(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))';
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

async function serve(dir) {
  const server = createServer(async (req, res) => {
    let file = join(dir, normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, ''));
    let body = await readFile(file).catch(() => null);
    if (!body) body = await readFile((file = join(dir, 'index.html')));
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/** CPU (ms) of each renderer main thread and worker thread over the trace's top-level tasks. */
function threadCpu(events) {
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const cpu = new Map();
  const lastEnd = new Map();
  const tasks = events.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'));
  for (const e of tasks.sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
    const k = `${e.pid}:${e.tid}`;
    if ((lastEnd.get(k) ?? 0) > e.ts) continue; // nested in a task already counted
    lastEnd.set(k, e.ts + e.dur);
    if (/^(CrRendererMain|DedicatedWorker thread)$/.test(names.get(k) ?? '')) cpu.set(k, (cpu.get(k) ?? 0) + (e.tdur ?? 0) / 1000);
  }
  const main = [...cpu].filter(([k]) => names.get(k) === 'CrRendererMain').reduce((s, [, v]) => s + v, 0);
  const workers = [...cpu].filter(([k, v]) => names.get(k) !== 'CrRendererMain' && v > 5).map(([, v]) => v);
  return { main, workers };
}

const dir = await mkdtemp(join(tmpdir(), 'hookwright-page-ab-'));
const browser = await launchBrowser();
const servers = [];
try {
  const path = join(dir, 'portfolio-200k.ndjson');
  await writeFile(path, portfolio(200_000));
  const pages = [];
  for (const dist of dists) {
    const { server, url } = await serve(dist);
    servers.push(server);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(url);
    await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
    await prepareJsPair(page, path);
    await page.waitForTimeout(1500); // the workers warm up
    pages.push({ dist, page, runs: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const p of pages) {
      const { page } = p;
      await armDryRunClock(page, 200000);
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
      await page.getByLabel('Portfolio', { exact: true }).setInputFiles(path);
      await page.evaluate(() => window.__done);
      const cpu = threadCpu(JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents);
      const run = await timeAgainstJsPair(page);
      p.runs.push({ ...run, ...cpu });
      console.log(`${p.dist}: dry run ${run.dryRun.toFixed(0)} ms, JS pair ${run.js.toFixed(0)} ms, ratio ` +
        `${(run.dryRun / run.js).toFixed(2)}; CPU: workers ${cpu.workers.map((w) => w.toFixed(0)).join(' + ')} ms, ` +
        `main thread ${cpu.main.toFixed(0)} ms (load ${loadavg()[0].toFixed(1)})`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const p of pages) {
    const workers = p.runs.flatMap((r) => r.workers);
    console.log(`${p.dist}: median dry run ${median(p.runs.map((r) => r.dryRun)).toFixed(0)} ms, ratio ` +
      `${median(p.runs.map((r) => r.dryRun / r.js)).toFixed(2)}; worker thread CPU mean ` +
      `${(workers.reduce((a, b) => a + b, 0) / workers.length).toFixed(0)} ms, main thread median ${median(p.runs.map((r) => r.main)).toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  for (const s of servers) s.close();
  await rm(dir, { recursive: true, force: true });
}
