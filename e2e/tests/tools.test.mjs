// The on-demand views (Reconcile, Verify, Inbox) are a second wasm, the `tools` bundle: not
// downloaded for the editor's first paint, loaded on the first visit with a loading state, and
// when that fails an error with Try again that loads it once the network is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, closeClean, screenshot, until } from '../harness.mjs';

const app = appUnderTest();
const bundle = /\/tools-[0-9a-f]+(_bg\.wasm|\.js)/;

test('the tools bundle loads on first use, showing that it loads', async () => {
  const { page, context, problems } = await app.open();
  const asked = [];
  page.on('request', (req) => { if (bundle.test(req.url())) asked.push(req.url()); });
  await page.waitForLoadState('networkidle');
  assert.deepEqual(asked, [], 'the editor does not download the tools bundle');
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(bundle, async (route) => { await held; await route.continue(); });
  await page.getByRole('button', { name: 'Reconcile', exact: true }).click();
  const loading = page.getByTestId('tools-loading');
  await loading.waitFor();
  assert.equal(await loading.getAttribute('role'), 'status');
  assert.equal(await loading.textContent(), 'Loading the Reconcile view…');
  await screenshot(page, 'tools-loading');
  release();
  await page.getByRole('heading', { name: 'Reconcile YouLend repayments' }).waitFor({ timeout: 15_000 });
  assert.equal(await loading.count(), 0);
  assert.ok(asked.some((url) => url.endsWith('.js')) && asked.some((url) => url.endsWith('_bg.wasm')));
  // Later visits reuse the loaded bundle.
  const before = asked.length;
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.getByTestId('verify-result').waitFor();
  assert.equal(asked.length, before);
  await closeClean({ context, problems });
});

test('a tools bundle that cannot be downloaded says so, and Try again loads it', async () => {
  const { page, context, problems } = await app.open();
  await page.route(bundle, (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  const error = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await error.waitFor();
  assert.match(await error.textContent(), /The Inbox view could not be loaded: .+ Check the connection and try again\./);
  await screenshot(page, 'tools-error');
  // The refused download is what this test does on purpose.
  const expected = (p) => bundle.test(p) || /Failed to load resource/.test(p);
  assert.ok(problems.some(expected));
  problems.splice(0, problems.length, ...problems.filter((p) => !expected(p)));
  await page.unroute(bundle);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 15_000 });
  await until(async () => (await error.count()) === 0, 'the error to go');
  await closeClean({ context, problems });
});
