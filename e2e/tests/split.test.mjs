// The release build's page wasm in two (scripts/split-page.mjs): what the first paint runs,
// then the rest, fetched after that paint, which draws the sections below the trigger. A rest
// that cannot be loaded is said, with Try again, and nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appUnderTest, distDir, ruleShown, closeClean, until } from '../harness.mjs';

const app = appUnderTest();
const restFile = readdirSync(distDir).find((f) => /^hookwright-web-[0-9a-f]+_rest\.wasm$/.test(f));

test('the first paint needs only the primary; the rest arrives after it and draws the other sections', async () => {
  assert.ok(restFile, 'dist/ has the rest of the page wasm');
  const opened = await app.open('', { wait: ruleShown });
  const { page } = opened;
  // The rest was asked for after the first contentful paint, never by a placeholder.
  await page.getByTestId('rendered-url').waitFor();
  const timing = await page.evaluate((name) => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    rest: performance.getEntriesByType('resource').filter((r) => r.name.endsWith(name)).map((r) => r.startTime),
    loader: { done: window.hookwrightRest.done, syncLoads: window.hookwrightRest.syncLoads },
  }), restFile);
  assert.deepEqual(timing.loader, { done: true, syncLoads: 0 });
  assert.equal(timing.rest.length, 1, 'the rest is fetched once');
  assert.ok(timing.rest[0] >= timing.paint, `the rest was fetched at ${timing.rest[0]} ms, before the first paint at ${timing.paint} ms`);
  // Every section is there and works on the rest's code: the preview follows an edit.
  for (const name of ['Request', 'Payload', 'Preview and test send']) {
    await page.getByRole('heading', { name, exact: true }).waitFor();
  }
  assert.equal(await page.locator('section[aria-busy="true"]').count(), 0);
  await page.getByRole('textbox', { name: 'Rule' }).fill('(= loan-status "Open")');
  await page.getByText('Fires for this sample').waitFor();
  // The primary and the rest are both much smaller than the whole.
  const primary = readdirSync(distDir).find((f) => /^hookwright-web-[0-9a-f]+_bg\.wasm$/.test(f));
  assert.ok(statSync(join(distDir, primary)).size < 1_200_000);
  await closeClean(opened);
});

test('a rest that cannot be loaded is said, with Try again; the work is kept', async () => {
  let refuse = true;
  const opened = await app.open('', {
    wait: ruleShown,
    route: [`**/${restFile}`, (route) => (refuse ? route.fulfill({ status: 503, body: 'down' }) : route.continue())],
  });
  const { page } = opened;
  const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Request, Payload and Preview .* could not be loaded: HTTP 503\. Your work is unchanged\./);
  // The page is inert meanwhile: an edit it could not apply is not taken.
  assert.equal(await page.locator('#page').getAttribute('inert'), '');
  // The sections below the trigger wait with their headings, so the outline still reaches them.
  assert.equal(await page.locator('section[aria-busy="true"]').count(), 3);
  await page.getByRole('heading', { name: 'Request', exact: true }).waitFor();
  refuse = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByTestId('rendered-url').waitFor();
  await until(async () => (await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).count()) === 0, 'the alert to go');
  assert.equal(await page.locator('section[aria-busy="true"]').count(), 0);
  assert.equal(await page.locator('#page').getAttribute('inert'), null);
  await page.getByRole('textbox', { name: 'Rule' }).fill('(= loan-status "Closed")');
  await page.getByText('Does not fire for this sample').waitFor();
  // The refused fetch is a failed request of the test's making, not of the page.
  opened.problems.splice(0, opened.problems.length, ...opened.problems.filter((p) => !p.includes(restFile) && !p.includes('503')));
  await closeClean(opened);
});

test('an edit before the rest is in loads it at once and is applied; nothing is lost', async () => {
  // The rest's fetch after the first paint is held; the edit's code is in the rest, so its
  // placeholder loads the rest with a synchronous request (let through) and runs the edit.
  let asked = 0;
  const opened = await app.open('', {
    wait: ruleShown,
    route: [`**/${restFile}`, async (route) => {
      asked += 1;
      if (asked === 1) await new Promise((r) => setTimeout(r, 4000));
      await route.continue().catch(() => {});
    }],
  });
  const { page } = opened;
  await until(() => asked >= 1, 'the rest to be asked for');
  assert.equal(await page.evaluate(() => window.hookwrightRest.done), false);
  await page.getByRole('textbox', { name: 'Rule' }).fill('(= loan-status "Closed")');
  await page.getByText('Does not fire for this sample').waitFor();
  const loader = await page.evaluate(() => ({ done: window.hookwrightRest.done, syncLoads: window.hookwrightRest.syncLoads }));
  assert.deepEqual(loader, { done: true, syncLoads: 1 });
  // The sections below the trigger are drawn, and the edit is what autosave keeps.
  await page.getByTestId('rendered-url').waitFor();
  await until(async () => (await page.evaluate(() => localStorage.getItem('hookwright.workspace') ?? '')).includes('Closed'), 'the edit to be saved');
  await closeClean(opened);
});

test('a return visit (a stored workspace) and a start in a tools view need only the primary too', async () => {
  const opened = await app.open('', { wait: ruleShown });
  const { page } = opened;
  await page.waitForFunction(() => window.hookwrightRest.done);
  await page.getByRole('textbox', { name: 'Rule' }).fill('(= loan-status "Closed")');
  await until(async () => (await page.evaluate(() => localStorage.getItem('hookwright.workspace') ?? '')).includes('Closed'), 'the edit to be saved');
  for (const [hash, shown] of [['', () => ruleShown(page)], ['#reconcile', () => page.getByRole('heading', { name: 'Reconcile YouLend repayments' }).waitFor()]]) {
    await page.goto('about:blank');
    await page.goto(app.server.url + hash);
    await shown();
    await page.waitForFunction(() => window.hookwrightRest.done);
    assert.equal(await page.evaluate(() => window.hookwrightRest.syncLoads), 0, `a start at '${hash}' loaded the rest synchronously`);
  }
  await closeClean(opened);
});
