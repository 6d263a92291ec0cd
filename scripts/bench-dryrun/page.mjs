// The dry run in the page at sizes too big for the test suite: a generated
// portfolio picked into the Dry run section of the release build (dist/) in
// headless Chromium, timed from the pick to the summary saying done, with the
// tab's peak memory (the renderer process that runs the page and its workers,
// VmHWM) and the page's JS heap. Portfolios are generated into a temporary
// folder that is removed afterwards, whatever happens.
//   node scripts/bench-dryrun/page.mjs                 # 1,000,000 loans (~270 MB)
//   node scripts/bench-dryrun/page.mjs 3800000         # ~1 GB
//   HELPERS=1 node scripts/bench-dryrun/page.mjs       # ?dryrun-helpers=1
// Needs `trunk build --release` and e2e/node_modules (scripts/setup).
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist, launchBrowser, openPage } from '../../e2e/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const loans = Number(process.argv[2] ?? 1_000_000);
const helpers = process.env.HELPERS;
const SEED = '(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))';

/** The process ids whose parent chain leads to this script (our Chromium's processes). */
async function ours() {
  const parents = new Map();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
    const ppid = /PPid:\s+(\d+)/.exec(status)?.[1];
    if (ppid) parents.set(Number(name), Number(ppid));
  }
  const mine = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parents.get(p), hops++) if (p === process.pid) return true;
    return false;
  };
  return [...parents.keys()].filter(mine);
}

/** Peak resident memory (MB) of our Chromium's renderer processes: the tab and its workers. */
async function rendererPeakMb() {
  let peak = 0;
  for (const pid of await ours()) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes('--type=renderer')) continue;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''));
    if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
  }
  return peak;
}

const dir = await mkdtemp(join(tmpdir(), 'hookwright-page-bench-'));
let server;
let browser;
try {
  const file = join(dir, `portfolio-${loans}.ndjson`);
  console.log(`generating ${loans} loans into ${file}`);
  // Straight into the file: a pipe would buffer what the generator writes without waiting.
  const out = await open(file, 'w');
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'generate.mjs'), String(loans)], { stdio: ['ignore', out.fd, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generate.mjs exited with ${code}`))));
  });
  await out.close();
  const bytes = (await stat(file)).size;
  server = await serveDist();
  browser = await launchBrowser();
  const { page, context } = await openPage(browser, helpers ? `${server.url}?dryrun-helpers=${helpers}` : server.url);
  await page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
  const started = Date.now();
  await page.getByLabel('Portfolio', { exact: true }).setInputFiles(file);
  // The page's own heap, sampled while the run goes on.
  let heap = 0;
  const sampler = setInterval(async () => {
    const used = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0).catch(() => 0);
    heap = Math.max(heap, used / 2 ** 20);
  }, 250);
  await page.locator('[data-testid="dryrun-summary"]:is([data-state="done"], [data-state="error"])').waitFor({ timeout: 1_800_000 });
  clearInterval(sampler);
  const wall = Date.now() - started;
  const s = await page.getByTestId('dryrun-summary').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
  const peak = await rendererPeakMb();
  console.log(
    `${loans} loans, ${(bytes / 1e6).toFixed(0)} MB, ${helpers ?? 'default'} helpers: ${s.state}; ` +
      `loans ${s.loans}, fired ${s.fired}, errors ${s.errors}; pick to done ${wall} ms (worker ${s.ms} ms, ${s.workMs} ms evaluating); ` +
      `renderer peak ${peak.toFixed(0)} MB, page JS heap peak ${heap.toFixed(0)} MB; ` +
      `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
  );
  if (s.state !== 'done' || Number(s.loans) !== loans) process.exitCode = 1;
  await context.close();
} finally {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
}
