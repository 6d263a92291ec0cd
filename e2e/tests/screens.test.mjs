// Every screen, every user: no control clipped or overflowing from 390 to 1920 px,
// the connection list folds behind a keyboard-reachable toggle below 900 px, and
// axe-core (from npm, injected into the page) finds nothing serious on any view,
// light or dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appUnderTest, screenshot, outputDir, ruleShown } from '../harness.mjs';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1920, 1440, 1280, 768, 390];
const HEIGHT = 900;

const app = appUnderTest();

const views = (page) => page.getByRole('navigation', { name: 'Views' });

async function showView(page, name) {
  await views(page).getByRole('button', { name, exact: true }).click();
  await page.locator('main#main').waitFor();
  // Reconcile with its tables filled, not only its empty state.
  const sample = page.getByRole('button', { name: 'Load sample batch' });
  if (name === 'Reconcile' && (await sample.count()) > 0) {
    await sample.click();
    await page.getByTestId('reconcile-results').waitFor();
  }
  await page.waitForFunction(() => document.fonts.ready);
}

/** Controls outside the viewport, or cut off by an ancestor that clips or scrolls sideways. */
function layoutProblems() {
  const describe = (el) => {
    const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40) || el.getAttribute('placeholder') || '';
    return `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} “${name}”`;
  };
  // Deliberate sideways scrollers: data tables, code and error carets.
  const scroller = '.table-scroll, pre, .code, .caret, .response-body, .view-tabs';
  const vw = document.documentElement.clientWidth;
  const problems = [];
  // The panes scroll, not the page: nothing stretches it below the app.
  if (document.documentElement.scrollHeight > innerHeight + 1) {
    problems.push(`page scrolls down: ${document.documentElement.scrollHeight} > ${innerHeight}`);
  }
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
  }
  for (const pane of document.querySelectorAll('.sidebar, .main-pane')) {
    if (pane.scrollWidth > pane.clientWidth + 1) {
      problems.push(`${pane.className} scrolls sideways: ${pane.scrollWidth} > ${pane.clientWidth}`);
    }
  }
  for (const box of document.querySelectorAll('.table-scroll')) {
    const r = box.getBoundingClientRect();
    if (r.width > 0 && (r.left < -1 || r.right > vw + 1)) problems.push(`a table's scroller overflows (${Math.round(r.right)} of ${vw})`);
  }
  for (const el of document.querySelectorAll('button, input, select, textarea, a[href], label.switch')) {
    if (el.closest('.skip-link, .visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    // Inside a sideways scroller the control is reached by scrolling it; the scroller itself must fit.
    if (el.parentElement.closest(scroller)) continue;
    if (r.left < -1 || r.right > vw + 1) {
      problems.push(`${describe(el)} outside the viewport (${Math.round(r.left)}..${Math.round(r.right)} of ${vw})`);
      continue;
    }
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (p.matches(scroller)) break;
      if (getComputedStyle(p).overflowX === 'visible') continue;
      const box = p.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1) {
        problems.push(`${describe(el)} cut off by ${p.tagName.toLowerCase()}.${p.className}`);
        break;
      }
    }
  }
  return problems;
}

async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() =>
    window.axe.run(document, {
      resultTypes: ['violations'],
      // Experimental, so off by default: visible text must be part of the accessible name.
      rules: { 'label-content-name-mismatch': { enabled: true } },
    }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`);
}

/** The seed connection made harder: a 200-character name, a NOT in the rule, a variable list payload. */
async function hardConnection(page) {
  await page.getByRole('textbox', { name: 'Rule' }).waitFor({ timeout: 15_000 });
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Past due '.padEnd(200, 'x'));
  await page.getByRole('button', { name: /^NOT \(negate/ }).first().click();
  await page.getByRole('radio', { name: /Variable list/ }).check();
  const search = page.getByRole('searchbox', { name: 'Search variables' });
  await search.fill('customer');
  for (let i = 0; i < 3; i += 1) {
    await page.getByRole('list', { name: 'Catalog variables' }).getByRole('button').first().click();
  }
}

test('no control is clipped and nothing scrolls sideways from 1920 to 390 px', async () => {
  const { page, context, problems } = await app.open('', { wait: null });
  await hardConnection(page);
  const found = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT });
    for (const view of ['Connections', 'Reconcile', 'Verify', 'Inbox']) {
      if ((await views(page).getByRole('button', { name: view, exact: true }).count()) === 0) continue;
      await showView(page, view);
      if (view === 'Connections' && width < 900) {
        await page.getByRole('button', { name: /^Connection list/ }).click();
        await screenshot(page, `screens-${width}-list`);
        await page.getByRole('button', { name: /^Connection list/ }).click();
      }
      for (const problem of await page.evaluate(layoutProblems)) found.push(`${width} px, ${view}: ${problem}`);
      await screenshot(page, `screens-${width}-${view.toLowerCase()}`);
      if (view === 'Connections') {
        // The pane scrolls inside the viewport: show the builder and the payload too.
        for (const [part, selector] of [['builder', '.rule-area'], ['payload', '.payload-panel .two-columns']]) {
          await page.locator(selector).first().scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(outputDir, `screens-${width}-${part}.png`) });
        }
        await page.locator('main#main').evaluate((main) => main.scrollTo(0, 0));
      }
    }
    await showView(page, 'Connections');
    if (width >= 900) {
      const sidebar = await page.getByRole('navigation', { name: 'Connections' }).boundingBox();
      if (sidebar.width > 320) found.push(`${width} px: the sidebar is ${sidebar.width} px wide`);
    }
    // The chosen variables and the catalog sit side by side (or stacked), never on top of each other.
    const chosen = await page.getByRole('list', { name: /Variables sent/ }).boundingBox();
    const catalog = await page.getByRole('list', { name: 'Catalog variables' }).boundingBox();
    const apart = chosen.x + chosen.width <= catalog.x + 1 || chosen.y + chosen.height <= catalog.y + 1;
    if (!apart) found.push(`${width} px: the variable list ${JSON.stringify(chosen)} overlaps the catalog ${JSON.stringify(catalog)}`);
  }
  assert.deepEqual(found, [], found.join('\n'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('below 900 px the connection list folds behind a labelled toggle reached by keyboard', async () => {
  const { page, context, problems } = await app.open('', { wait: ruleShown });
  const toggle = page.getByRole('button', { name: /^Connection list \(\d+\)$/ });
  assert.equal(await toggle.count(), 0, 'no toggle at 1280 px: the list is always shown');
  await page.setViewportSize({ width: 768, height: HEIGHT });
  await toggle.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('button', { name: /^YouLend repayment to ledger/ }).count(), 0);
  let reached = false;
  for (let i = 0; i < 30 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await toggle.evaluate((el) => el === document.activeElement);
  }
  assert.ok(reached, 'Tab reaches the toggle');
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.getByRole('button', { name: /^YouLend repayment to ledger/ }).click();
  await page.getByRole('heading', { level: 2, name: 'YouLend repayment to ledger' }).waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'choosing a connection folds the list');
  await screenshot(page, 'screens-768-folded');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no serious or critical violation on any view (${colorScheme})`, async () => {
    const { page, context, problems } = await app.open('', { colorScheme, wait: null });
    await page.emulateMedia({ colorScheme });
    await hardConnection(page);
    const found = [];
    for (const view of ['Connections', 'Reconcile', 'Verify', 'Inbox']) {
      if ((await views(page).getByRole('button', { name: view, exact: true }).count()) === 0) continue;
      await showView(page, view);
      for (const violation of await axeViolations(page)) found.push(`${view}: ${violation}`);
    }
    assert.deepEqual(found, [], found.join('\n'));
    assert.deepEqual(problems, []);
    await context.close();
  });
}
