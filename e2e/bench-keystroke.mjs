// Run by scripts/bench-keystroke: the keystroke scenarios of keystroke.mjs,
// ROUNDS fresh pages each, then the medians as a Markdown table.
import { cpus, loadavg } from 'node:os';
import { serveDist, launchBrowser } from './harness.mjs';
import { scenarios, pastes, measureScenario, measurePaste, measureOpening, median } from './keystroke.mjs';

const rounds = Number(process.env.ROUNDS ?? 3);
const only = process.env.ONLY;
const ms = (v) => `${v.toFixed(1)} ms`;
const server = await serveDist();
const browser = await launchBrowser();
const rows = [];
const pasteRows = [];
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
  // Pastes: every long task from the paste until the page shows the engine's answer, + 2 s.
  for (const name of Object.keys(pastes)) {
    if (only && !name.includes(only)) continue;
    const runs = [];
    for (let r = 0; r < rounds; r++) {
      const run = await measurePaste(browser, server.url, name);
      runs.push(run);
      console.log(`${name} #${r + 1}: ${run.bytes} bytes, settled after ${ms(run.settled)}, long tasks [${run.tasks.join(', ')}] ms${run.problems.length ? ` PROBLEMS ${run.problems}` : ''}`);
    }
    pasteRows.push(`| ${name} | ${(runs[0].bytes / 1000).toFixed(0)} KB | ${ms(median(runs.map((r) => r.settled)))} | ${ms(median(runs.map((r) => r.longestTask)))} | ${median(runs.map((r) => r.tasks.length))} |`);
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
if (pasteRows.length) {
  console.log('\n| paste | size | until the answer shows | longest task | tasks over 50 ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of pasteRows) console.log(row);
}
