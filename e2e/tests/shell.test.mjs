// The app shell: the release build loads cleanly and opens the seed's example connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { appUnderTest, screenshot } from '../harness.mjs';

const app = appUnderTest();

test('loads with no console error and shows the seed connection', async () => {
  const { page, context, problems } = await app.open('', { wait: null });
  const title = page.getByRole('heading', { level: 2, name: "Customer's Loan is 5 Days Past Due" });
  await title.waitFor({ timeout: 15_000 });
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hookwright');
  const list = page.getByRole('navigation', { name: 'Connections' });
  assert.equal(await list.getByRole('button').count() >= 3, true);
  const path = await screenshot(page, 'shell-light');
  assert.ok((await stat(path)).size > 1000);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dark theme follows prefers-color-scheme', async () => {
  const { page, context, problems } = await app.open('', { colorScheme: 'dark', wait: null });
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(17, 20, 24)');
  await screenshot(page, 'shell-dark');
  assert.deepEqual(problems, []);
  await context.close();
});

test('selecting another connection shows it', async () => {
  const { page, context, problems } = await app.open('', { wait: null });
  await page.getByRole('button', { name: /^YouLend repayment to ledger/ }).click();
  await page.getByRole('heading', { level: 2, name: 'YouLend repayment to ledger' }).waitFor();
  assert.match(await page.locator('main').textContent(), /LOA10040/);
  assert.deepEqual(problems, []);
  await context.close();
});
