// Records which functions of the page's wasm its first paint runs, for scripts/split-page:
//
//   node e2e/profile-first-paint.mjs SITE_DIR PROFILE_FILE
//
// SITE_DIR is the release build with the page's wasm instrumented by `wasm-split --instrument`.
// The page opens as on a first visit (no stored workspace, the Connections view) with the rest
// of its code held back, as the split page's loader holds it until after the first paint, so
// the sections drawn later (`services::page_code`) are not counted; once the editor is shown,
// the module's `__write_profile` writes the profile into memory grown for it.
import { writeFile } from 'node:fs/promises';
import { serveDist, launchBrowser } from './harness.mjs';

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error('usage: node e2e/profile-first-paint.mjs SITE_DIR PROFILE_FILE');
  process.exit(2);
}
const server = await serveDist(site);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript(() => {
    window.hookwrightRest = { done: false };
    addEventListener('TrunkApplicationStarted', (e) => { window.__pageWasm = e.detail.wasm; });
  });
  await page.goto(server.url);
  await page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => window.__pageWasm);
  // What the page starts right after its first paint (the tools bundle's islands, the workers)
  // is counted too: it runs before the rest can arrive.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(Number(process.env.PROFILE_SETTLE_MS ?? 1500));
  const bytes = await page.evaluate(() => {
    const wasm = window.__pageWasm;
    const pages = 16;
    const at = wasm.memory.grow(pages) * 65536;
    const length = wasm.__write_profile(at, pages * 65536);
    return Array.from(new Uint8Array(wasm.memory.buffer, at, length));
  });
  if (problems.length) throw new Error(`the page failed while profiled: ${problems.join('; ')}`);
  if (bytes.length === 0) throw new Error('the profile is empty');
  await writeFile(out, Buffer.from(bytes));
} finally {
  await browser.close();
  await server.close();
}
