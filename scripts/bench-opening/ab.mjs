// First paint of two release builds side by side, alternately, in headless Chromium:
//
//   node scripts/bench-opening/ab.mjs DIST_A DIST_B [ROUNDS] [MBIT]
//
// Each round opens each build in a fresh context (nothing cached) and records the first
// contentful paint, when the editor was shown (`window.__editorShown`, set by the page) and
// when the whole page was usable (every section drawn: the Preview's rendered URL). MBIT, when
// given, throttles the network to that many megabits a second each way (Chromium's
// emulation, 20 ms latency), as a user's connection would: on the loopback, download size
// costs nothing.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
const e2e = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e');
const { serveDist, launchBrowser } = await import(join(e2e, 'harness.mjs'));
const { observeLongTasks } = await import(join(e2e, 'keystroke.mjs'));

const [a, b, rounds = '6', mbit] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node scripts/bench-opening/ab.mjs DIST_A DIST_B [ROUNDS] [MBIT]');
  process.exit(2);
}
const servers = [await serveDist(a), await serveDist(b)];
const browser = await launchBrowser();
const results = [[], []];
async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await observeLongTasks(context);
  const page = await context.newPage();
  if (mbit) {
    const cdp = await context.newCDPSession(page);
    const bytes = (Number(mbit) * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: bytes, uploadThroughput: bytes });
  }
  const start = Date.now();
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 120_000 });
  await page.getByTestId('rendered-url').waitFor({ timeout: 120_000 });
  const usable = Date.now() - start;
  const figures = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    shown: window.__editorShown ?? null,
  }));
  await context.close();
  return { ...figures, usable };
}
for (let round = 0; round < Number(rounds); round++) {
  for (const i of round % 2 ? [1, 0] : [0, 1]) results[i].push(await open(servers[i].url));
}
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (const [i, dir] of [a, b].entries()) {
  const r = results[i];
  console.log(`${dir}: first contentful paint median ${Math.round(median(r.map((x) => x.paint)))} ms, editor shown ${Math.round(median(r.map((x) => x.shown ?? NaN)))} ms, every section drawn ${median(r.map((x) => x.usable))} ms (${r.length} opens${mbit ? `, ${mbit} Mbit/s` : ''})`);
}
await browser.close();
for (const s of servers) await s.close();
