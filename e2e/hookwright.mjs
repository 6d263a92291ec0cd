// Shared by the e2e tests that need the native side: starts the `hookwright` CLI built by the
// native test stage (relay, listen) on ephemeral 127.0.0.1 ports, and a bare HTTP server that
// sends no CORS headers at all and records the raw request (target, header bytes, body bytes).
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const hookwrightBin =
  process.env.HOOKWRIGHT_BIN ??
  join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'hookwright', 'target'), 'debug', 'hookwright');

/** Runs `hookwright ARGS` to the end: { code, stdout, stderr }. */
export async function runHookwright(args, options = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(hookwrightBin, args, options);
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Starts a long-running `hookwright` command and waits for its first lines: resolves with
 * { url, lines, stop } once a line names http://127.0.0.1:PORT.
 */
export function startHookwright(args, { env } = {}) {
  const child = spawn(hookwrightBin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hookwright ${args[0]} did not start: ${stderr}`)), 10_000);
    child.on('exit', (code) => reject(new Error(`hookwright ${args[0]} exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const url = line.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
      if (url && lines.length === 1) {
        // The rest of the banner follows at once.
        setTimeout(() => {
          clearTimeout(timer);
          resolve({
            url,
            lines,
            stop: () =>
              new Promise((r) => {
                if (child.exitCode !== null) return r();
                child.removeAllListeners('exit');
                child.on('exit', () => r());
                child.kill();
              }),
          });
        }, 100);
      }
    });
  });
}

/** A server that answers 200 with no CORS header, recording each request's raw parts. */
export async function startBareServer() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      received.push({ method: req.method, target: req.url, headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json', 'x-bare': 'no-cors' });
      res.end(JSON.stringify({ bare: true, received: received.length }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}
