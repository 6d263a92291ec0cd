// Run by scripts/bench-keystroke: the keystroke scenarios of keystroke.mjs,
// ROUNDS fresh pages each, then the medians as a Markdown table.
import { cpus, loadavg } from 'node:os';
import { serveDist, launchBrowser } from './harness.mjs';
import { scenarios, measureScenario, measureOpening, median } from './keystroke.mjs';

const rounds = Number(process.env.ROUNDS ?? 3);
const only = process.env.ONLY;
const ms = (v) => `${v.toFixed(1)} ms`;
const server = await serveDist();
const browser = await launchBrowser();
const rows = [];
try {
  for (const name of Object.keys(scenarios)) {
    if (only && !name.includes(only)) continue;
    const runs = [];
    for (let r = 0; r < rounds; r++) {
      const run = await measureScenario(browser, server.url, name);
      runs.push(run);
      console.log(`${name} #${r + 1}: editor p95 ${ms(run.editorP95)} (median ${ms(run.editorMedian)}), plain p95 ${ms(run.plainP95)}, extra ${ms(run.extraP95)}, longest task ${ms(run.longestTask)}${run.problems.length ? ` PROBLEMS ${run.problems}` : ''}`);
    }
    const budget = scenarios[name].budget;
    rows.push(`| ${name} | ${ms(median(runs.map((r) => r.extraP95)))} | ${ms(median(runs.map((r) => r.plainP95)))} | ${ms(median(runs.map((r) => r.longestTask)))} | ${budget === null ? 'no task over 50 ms' : `≤ ${budget} ms`} |`);
  }
  if (!only || 'opening'.includes(only)) {
    const runs = [];
    for (let r = 0; r < Math.max(rounds, 3); r++) {
      const run = await measureOpening(browser, server.url);
      runs.push(run);
      console.log(`opening #${r + 1}: first contentful paint ${ms(run.firstPaint ?? NaN)}, editor shown ${ms(run.editorShown ?? NaN)}, longest task ${ms(run.longestTask)}`);
    }
    rows.push(`| opening the app | first paint ${ms(median(runs.map((r) => r.firstPaint)))}, editor shown ${ms(median(runs.map((r) => r.editorShown)))} | | ${ms(median(runs.map((r) => r.longestTask)))} | first paint ≤ 1 s |`);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\nMedians of ${rounds} rounds; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log('| scenario | editor: p95 extra over the plain input | plain input p95 | longest task while typing (median) | budget |');
console.log('|---|---:|---:|---:|---|');
for (const row of rows) console.log(row);
