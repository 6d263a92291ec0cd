// The on-demand views (Reconcile, Verify, Inbox) and the Preview's test-send panel are a second
// wasm, the `tools` bundle: not part of the editor's first paint, imported right after it for the
// test-send panel; each part that needs it shows a loading state, and when the download fails an
// error with Try again that loads it once the network is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, closeClean, screenshot, until } from '../harness.mjs';

const app = appUnderTest();
const bundle = /\/tools-[0-9a-f]+(_bg\.wasm|\.js)/;

test('the tools bundle loads after the first paint, and each part that needs it shows that it loads', async () => {
  const asked = [];
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const { page, context, problems } = await app.open('', {
    route: [bundle, async (route) => { asked.push(route.request().url()); await held; await route.continue(); }],
  });
  // The editor paints without it; the Preview's test-send panel asks for it then.
  await page.getByRole('textbox', { name: 'Rule' }).waitFor();
  const sendLoading = page.getByTestId('test-send-loading');
  await sendLoading.waitFor();
  assert.equal(await sendLoading.getAttribute('role'), 'status');
  assert.equal(await sendLoading.textContent(), 'Loading the test send…');
  assert.equal(await page.getByRole('button', { name: 'Send test' }).count(), 0);
  // So does the Dry run section, under its heading (the outline's link finds it).
  const dryLoading = page.getByTestId('dryrun-loading');
  assert.equal(await dryLoading.textContent(), 'Loading the dry run…');
  assert.equal(await page.getByRole('heading', { name: 'Dry run', exact: true }).count(), 1);
  await screenshot(page, 'islands-loading');
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
  // Later visits, and the test-send panel, reuse the loaded bundle.
  const before = asked.length;
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await page.getByRole('button', { name: 'Send test' }).waitFor();
  assert.equal(await sendLoading.count(), 0);
  await page.getByRole('button', { name: 'Generate sample portfolio' }).waitFor();
  assert.equal(await dryLoading.count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Dry run', exact: true }).count(), 1);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.getByTestId('verify-result').waitFor();
  assert.equal(asked.length, before);
  await closeClean({ context, problems });
});

test('a tools bundle that cannot be downloaded says so, and Try again loads it', async () => {
  const refuse = (route) => route.abort('internetdisconnected');
  const { page, context, problems } = await app.open('', { route: [bundle, refuse] });
  // The test-send panel first: its error, and Try again once the network is back.
  const sendError = page.getByTestId('test-send-error');
  await sendError.waitFor();
  assert.equal(await sendError.getAttribute('role'), 'alert');
  assert.match(await sendError.textContent(), /The test send could not be loaded: .+ Check the connection and try again\./);
  assert.match(await page.getByTestId('dryrun-error').textContent(), /The dry run could not be loaded: /);
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  const error = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await error.waitFor();
  assert.match(await error.textContent(), /The Inbox view could not be loaded: .+ Check the connection and try again\./);
  await screenshot(page, 'tools-error');
  // The refused download is what this test does on purpose.
  const expected = (p) => bundle.test(p) || /Failed to load resource/.test(p);
  assert.ok(problems.some(expected));
  problems.splice(0, problems.length, ...problems.filter((p) => !expected(p)));
  await context.unroute(bundle, refuse);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 15_000 });
  await until(async () => (await error.count()) === 0, 'the error to go');
  // Back in the editor the panel loads with the bundle now there.
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await page.getByRole('button', { name: 'Send test' }).waitFor();
  assert.equal(await sendError.count(), 0);
  await closeClean({ context, problems });
});

test('the test-send panel says why it could not load and Try again brings it', async () => {
  const refuse = (route) => route.abort('internetdisconnected');
  const { page, context, problems } = await app.open('', { route: [bundle, refuse] });
  const sendError = page.getByTestId('test-send-error');
  await sendError.waitFor();
  const expected = (p) => bundle.test(p) || /Failed to load resource/.test(p);
  problems.splice(0, problems.length, ...problems.filter((p) => !expected(p)));
  await context.unroute(bundle, refuse);
  await sendError.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('button', { name: 'Send test' }).waitFor({ timeout: 15_000 });
  assert.equal(await sendError.count(), 0);
  await closeClean({ context, problems });
});
