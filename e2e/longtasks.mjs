// The page's main thread during an action, as Chromium's own trace records it:
// every task with its wall time and its CPU time (the thread's own time,
// without the moments a loaded machine gave the core to another process).
// Used by the tests that promise "no main-thread task longer than 50 ms".
import { cpus, loadavg } from 'node:os';

const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];

/** Runs `action` while tracing; returns its result and the main-thread tasks over `minMs` (wall or CPU). */
export async function traceMainThread(browser, page, action, minMs = 1) {
  await browser.startTracing(page, { categories });
  let result;
  let events;
  try {
    result = await action();
  } finally {
    events = JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents;
  }
  const mains = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = events
    .filter((e) => e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wall: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 }))
    .filter((t) => t.wall > minMs || t.cpu > minMs);
  return { result, tasks };
}

/** Whether the machine has a core to spare, so wall time is the page's own. */
export function machineIdle() {
  return loadavg()[0] < cpus().length;
}

/**
 * Checks the promise: no task over `limit` ms of the main thread's own time, and on a machine
 * with a core to spare, none over `limit` ms of wall time either. Returns a line for the log.
 */
export function checkTasks(assert, tasks, limit = 50) {
  const cpu = Math.max(0, ...tasks.map((t) => t.cpu));
  const wall = Math.max(0, ...tasks.map((t) => t.wall));
  const line = `longest main-thread task: ${cpu.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall ` +
    `(load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`;
  assert.ok(cpu <= limit, `a main-thread task used ${cpu.toFixed(0)} ms of CPU (limit ${limit}); ${line}`);
  if (machineIdle()) assert.ok(wall <= limit, `a main-thread task took ${wall.toFixed(0)} ms (limit ${limit}); ${line}`);
  return line;
}
