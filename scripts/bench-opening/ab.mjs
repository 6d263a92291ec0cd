// First paint of two release builds side by side, alternately, in headless Chromium:
//
//   node scripts/bench-opening/ab.mjs DIST_A DIST_B [ROUNDS] [MBIT]
//
// Each round opens each build in a fresh context (nothing cached) with the e2e benchmark's
// `measureOpening`: the first contentful paint, when the editor was shown and when every
// section was drawn (the Preview's rendered URL). MBIT, when given, throttles the network to
// that many megabits a second each way (Chromium's emulation, 20 ms latency), as a user's
// connection would: on the loopback, download size costs nothing.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
const e2e = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e');
const { serveDist, launchBrowser } = await import(join(e2e, 'harness.mjs'));
const { measureOpening, median } = await import(join(e2e, 'keystroke.mjs'));

const [a, b, rounds = '6', mbit] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node scripts/bench-opening/ab.mjs DIST_A DIST_B [ROUNDS] [MBIT]');
  process.exit(2);
}
const servers = [await serveDist(a), await serveDist(b)];
const browser = await launchBrowser();
const results = [[], []];
for (let round = 0; round < Number(rounds); round++) {
  for (const i of round % 2 ? [1, 0] : [0, 1]) results[i].push(await measureOpening(browser, servers[i].url, { mbit }));
}
for (const [i, dir] of [a, b].entries()) {
  const runs = results[i];
  const ms = (key) => Math.round(median(runs.map((run) => run[key] ?? NaN)));
  console.log(`${dir}: first contentful paint median ${ms('firstPaint')} ms, editor shown ${ms('editorShown')} ms, every section drawn ${ms('sectionsDrawn')} ms (${runs.length} opens${mbit ? `, ${mbit} Mbit/s` : ''})`);
}
await browser.close();
for (const s of servers) await s.close();
