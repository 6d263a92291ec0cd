// The page dry run's first runs: fresh pages of one build, each going through
// the e2e benchmark's sequence (tests/dryrun.test.mjs: the 200,000-loan
// portfolio made first, then open, fill the rule and pick it RUNS times, each
// against JSON.parse + json-logic-js in the same page), traced with the
// test's categories. page-ab.mjs times warm
// pages; this one, whether a page is ready for a portfolio picked at once.
// Not part of scripts/test.
//   node scripts/bench-dryrun/first-run.mjs DIST [PAGES=2] [RUNS=3]
// Needs a `trunk build --release` output and e2e/node_modules (scripts/setup).
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { serveDist, launchBrowser } from '../../e2e/harness.mjs';
import { armDryRunClock, portfolio, prepareJsPair, timeAgainstJsPair } from '../../e2e/dryrun-bench.mjs';

const [dist, pagesArg, runsArg] = process.argv.slice(2);
const pages = Number(pagesArg ?? 2);
const runs = Number(runsArg ?? 3);
const SEED = '(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))';

const server = await serveDist(dist);
const browser = await launchBrowser();
const dir = await mkdtemp(join(tmpdir(), 'hookwright-first-run-'));
const ratios = [];
// Made before any page opens, as the e2e test does.
const path = join(dir, 'bench.ndjson');
await writeFile(path, portfolio(200_000));
try {
  for (let p = 1; p <= pages; p++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 15_000 });
    await page.getByRole('textbox', { name: 'Rule' }).fill(SEED);
    // A user picks a file on a page that has loaded: every file it fetches (the
    // dry run's workers too) is in, and nothing has been fetched for half a second.
    await page.waitForLoadState('networkidle');
    await prepareJsPair(page, path);
    for (let r = 1; r <= runs; r++) {
      await armDryRunClock(page, 200000);
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
      await page.getByLabel('Portfolio', { exact: true }).setInputFiles(path);
      await page.evaluate(() => window.__done);
      await browser.stopTracing();
      const t = await timeAgainstJsPair(page);
      ratios.push({ r, ratio: t.dryRun / t.js });
      console.log(`page ${p} run ${r}: picked ${t.pick.toFixed(0)} ms after navigation, dry run ${t.dryRun.toFixed(0)} ms, ` +
        `JS pair ${t.js.toFixed(0)} ms, ratio ${(t.dryRun / t.js).toFixed(2)} (load ${loadavg()[0].toFixed(1)})`);
    }
    await context.close();
  }
  const list = (rs) => rs.map((x) => x.ratio.toFixed(2)).join(' ');
  console.log(`${dist}: first runs ${list(ratios.filter((x) => x.r === 1))}; later ${list(ratios.filter((x) => x.r > 1))}; ` +
    `at most 0.5 in ${ratios.filter((x) => x.ratio <= 0.5).length} of ${ratios.length}`);
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
