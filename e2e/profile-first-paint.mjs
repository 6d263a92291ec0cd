// Records which functions of the page's wasm its first paint runs, for scripts/split-page:
//
//   node e2e/profile-first-paint.mjs SITE_DIR PROFILE_DIR
//
// SITE_DIR is the release build with the page's wasm instrumented by `wasm-split --instrument`.
// The page is opened as its users open it, each start a profile in PROFILE_DIR (N.prof), merged
// by split-page: a first visit (no stored workspace), a return visit (a stored workspace), one
// with an event-triggered YouLend connection selected, and one straight into the Reconcile view.
// Each runs with the rest of the page's code held back, as the split page's loader holds it
// until after the first paint, so what the page draws or starts once the rest is in
// (`services::page_code`) is not counted; once the page is shown and the network idle, the
// module's `__write_profile` writes the profile into memory grown for it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launchBrowser } from './harness.mjs';

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error('usage: node e2e/profile-first-paint.mjs SITE_DIR PROFILE_DIR');
  process.exit(2);
}
await mkdir(out, { recursive: true });
const server = await serveDist(site);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const problems = [];
  let page = null;
  await context.addInitScript(() => {
    window.hookwrightRest = { done: false };
    addEventListener('TrunkApplicationStarted', (e) => { window.__pageWasm = e.detail.wasm; });
  });
  let written = 0;
  /** Opens `hash` in a new page (the context's storage kept), waits for `shown`, and writes
   *  the profile of that start. */
  async function start(hash, shown) {
    await page?.close();
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url + hash);
    await shown();
    await page.waitForFunction(() => window.__pageWasm);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(Number(process.env.PROFILE_SETTLE_MS ?? 1500));
    const bytes = await page.evaluate(() => {
      const wasm = window.__pageWasm;
      const pages = 16;
      const at = wasm.memory.grow(pages) * 65536;
      const length = wasm.__write_profile(at, pages * 65536);
      return Array.from(new Uint8Array(wasm.memory.buffer, at, length));
    });
    if (problems.length) throw new Error(`the page failed while profiled (${hash || 'first visit'}): ${problems.join('; ')}`);
    if (bytes.length === 0) throw new Error('the profile is empty');
    await writeFile(join(out, `${++written}.prof`), Buffer.from(bytes));
  }
  const rule = () => page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 60_000 });
  const saved = (what) => page.waitForFunction((what) => (localStorage.getItem('hookwright.workspace') ?? '').includes(what), what);

  // A first visit: the examples, the first one selected.
  await start('', rule);
  // A return visit: the workspace as autosave stored it.
  await page.getByRole('textbox', { name: 'Rule' }).fill('(= loan-status "Open")');
  await saved('(= loan-status \\"Open\\")');
  await start('', rule);
  // A return visit with the YouLend connection (an event trigger) selected.
  await page.getByRole('button', { name: /^YouLend repayment/ }).first().click();
  await page.waitForFunction(() => (localStorage.getItem('hookwright.view') ?? '').includes('youlend'));
  await start('', rule);
  // Straight into a view of the tools bundle.
  await start('#reconcile', () => page.getByRole('heading', { name: /Reconcile/ }).first().waitFor({ timeout: 60_000 }));
} finally {
  await browser.close();
  await server.close();
}
