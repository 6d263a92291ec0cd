// Shared by the e2e tests: serves the release build (dist/) on 127.0.0.1 and
// drives Debian's Chromium with playwright-core. Nothing is downloaded.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = process.env.HOOKWRIGHT_DIST ?? join(here, '..', 'dist');
export const outputDir = join(here, 'output');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves dist/ on an ephemeral loopback port; unknown paths get index.html (an SPA). */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(distDir, path);
    let body;
    try {
      body = await readFile(file);
    } catch {
      file = join(distDir, 'index.html');
      body = await readFile(file);
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
    headless: true,
  });
}

/**
 * A fresh page (its own profile) that records console errors, page errors
 * and failed requests, so every test can assert the page stayed clean.
 */
export async function openPage(browser, url, { colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // A reload aborts requests still in flight; that is not a failure.
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()}`);
  });
  await page.goto(url);
  return { page, context, problems };
}

export async function screenshot(page, name) {
  await mkdir(outputDir, { recursive: true });
  const path = join(outputDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Polls `fn` every 50 ms until it returns something truthy (returned), or fails naming `what`. */
export async function until(fn, what, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the preview shows: method, URL, headers, body. */
export async function preview(page) {
  const root = page.getByTestId('request-preview');
  const headers = await root.locator('[data-part="header"]').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td').textContent]),
  );
  return {
    method: await root.locator('[data-part="method"]').textContent(),
    url: await root.locator('[data-part="url"]').textContent(),
    headers,
    body: await root.locator('[data-part="body"]').textContent(),
  };
}

/** The workspace as autosave last stored it (null before the first save). */
export function storedWorkspace(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('hookwright.workspace')));
}

/** Waits until autosave has stored a workspace for which `check(stored)` holds, and returns it. */
export async function saved(page, check, what = 'the autosave') {
  return until(async () => {
    const stored = await storedWorkspace(page);
    return stored && check(stored) ? stored : null;
  }, what);
}

/** The editor is up: the selected connection's name field is there. */
export async function ready(page) {
  await page.getByRole('textbox', { name: 'Connection name' }).waitFor({ timeout: 15_000 });
}

/** The selected connection's rule editor is up. */
export async function ruleShown(page) {
  await page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 15_000 });
}

/**
 * The app for one test file: dist/ served and Chromium launched before the
 * file's tests, both closed after them. `app.open(path)` opens a fresh page
 * (its own profile) at `path` under the served root ('', '#reconcile',
 * '?dryrun-helpers=2') and waits with `wait(page)` (default: `ready`; `null`
 * for views without the editor).
 */
export function appUnderTest() {
  const app = {
    server: null,
    browser: null,
    async open(path = '', { colorScheme = 'light', wait = ready } = {}) {
      const opened = await openPage(app.browser, app.server.url + path, { colorScheme });
      if (wait) await wait(opened.page);
      return opened;
    },
  };
  before(async () => {
    app.server = await serveDist();
    app.browser = await launchBrowser();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}
