// The dry run's engine in wasm, timed in Node 20 (the page's V8) by CPU time:
// `node scripts/bench-dryrun/wasm.mjs ENGINE.wasm PORTFOLIO [ROUNDS]`, ENGINE.wasm
// built by `cargo build --release -p hookwright-core --example dryrun_wasm
// --target wasm32-unknown-unknown` (see BENCHMARKS.md). One thread, the
// page's options and the CLI's, each round the median's input.
import { readFile } from 'node:fs/promises';

const [wasmPath, portfolioPath, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7);
const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {});
const { buffer, run, memory } = instance.exports;
const file = await readFile(portfolioPath);
const at = buffer(file.length);
new Uint8Array(memory.buffer, at, file.length).set(file);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [name, page] of [['page options', 1], ['CLI options', 0]]) {
  run(page); // warm-up: compiled by V8's optimizing tier
  const cpu = [];
  const wall = [];
  let fired;
  for (let r = 0; r < rounds; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fired = run(page);
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  console.log(`${name}: ${(file.length / 1e6).toFixed(0)} MB, fired ${fired}: ` +
    `CPU median ${median(cpu).toFixed(0)} ms (best ${Math.min(...cpu).toFixed(0)}), ` +
    `wall median ${median(wall).toFixed(0)} ms, ${rounds} rounds`);
}
