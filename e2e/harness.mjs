// Shared by the e2e tests: serves the release build (dist/) on 127.0.0.1 and
// drives Debian's Chromium with playwright-core. Nothing is downloaded.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
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
export async function serveDist(dir = distDir) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    let body;
    try {
      body = await readFile(file);
    } catch {
      file = join(dir, 'index.html');
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
export async function openPage(browser, url, { colorScheme = 'light', route } = {}) {
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
  // Requests to hold or refuse from the very first load: `[pattern, handler]`.
  if (route) await context.route(...route);
  await page.goto(url);
  return { page, context, problems };
}

export async function screenshot(page, name) {
  await mkdir(outputDir, { recursive: true });
  const path = join(outputDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Asserts that each opened page (`{ context, problems }`) stayed clean, then closes it. */
export async function closeClean(...opened) {
  for (const { context, problems } of opened) {
    assert.deepEqual(problems, []);
    await context.close();
  }
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
    async open(path = '', { colorScheme = 'light', wait = ready, route } = {}) {
      const opened = await openPage(app.browser, app.server.url + path, { colorScheme, route });
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

/** The Import connections dialog, once it is open. */
export async function importDialog(page) {
  const dialog = page.getByRole('dialog', { name: 'Import connections' });
  await dialog.waitFor();
  return dialog;
}

/** Picks `file` (a path, or `{ name, mimeType, buffer }`) in Import and returns the dialog reviewing it. */
export async function importFile(page, file) {
  await page.getByLabel('Import').setInputFiles(file);
  return importDialog(page);
}

/** Opens a share link in a fresh profile: the page, once its Import dialog is open, and that dialog. */
export async function openShareLink(app, link) {
  const opened = await openPage(app.browser, link);
  await ready(opened.page);
  return { ...opened, dialog: await importDialog(opened.page) };
}

/**
 * Imports `file` into a fresh profile, replacing every connection whose id
 * is already there, and waits until the stored workspace is exactly
 * `expected`. `review(dialog, page)` runs on the dialog just before "Add to
 * workspace".
 */
export async function importIntoFreshProfile(app, file, expected, review = async () => {}) {
  const fresh = await app.open();
  const dialog = await importFile(fresh.page, file);
  for (const clash of await dialog.getByRole('combobox', { name: /^When .+ exists$/ }).all()) {
    await clash.selectOption('replace');
  }
  await review(dialog, fresh.page);
  await dialog.getByRole('button', { name: 'Add to workspace' }).click();
  await saved(fresh.page, (w) => isDeepStrictEqual(w.workspace.connections, expected), 'the import saved');
  assert.deepEqual(fresh.problems, []);
  await fresh.context.close();
}
