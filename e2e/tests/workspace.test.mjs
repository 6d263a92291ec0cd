// The workspace: editing connections, undo/redo, autosave across reloads,
// recovery from unreadable stored data, and another tab's changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, screenshot, ready, saved, until } from '../harness.mjs';

const app = appUnderTest();

const names = (page) =>
  page.getByRole('navigation', { name: 'Connections' }).locator('.connection-name').allTextContents();

test('edits survive a reload, with the selection and scroll position', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  const name = page.getByRole('textbox', { name: 'Connection name' });
  await name.fill('Late note, renamed');
  await page.getByRole('checkbox', { name: 'Enabled: Late note, renamed' }).uncheck();
  await page.locator('#main').evaluate((el) => {
    el.style.maxHeight = '300px';
    el.scrollTop = 120;
  });
  await saved(page, (w) => w.workspace.connections.some((c) => c.name === 'Late note, renamed'));
  // The view (selection and scroll) has a key of its own, apart from the workspace.
  await until(async () => (await page.evaluate(() => JSON.parse(localStorage.getItem('hookwright.view'))?.scroll ?? 0)) > 0, 'the scroll saved');
  await page.reload();
  await ready(page);
  assert.equal(await page.getByRole('textbox', { name: 'Connection name' }).inputValue(), 'Late note, renamed');
  assert.equal(await page.getByRole('checkbox', { name: 'Enabled: Late note, renamed' }).isChecked(), false);
  assert.deepEqual(await names(page), [
    "Customer's Loan is 5 Days Past Due",
    'Late note, renamed',
    'YouLend repayment to ledger',
  ]);
  const scroll = await page.locator('#main').evaluate((el) => el.scrollTop);
  assert.ok(scroll > 0, `scroll restored (${scroll})`);
  await screenshot(page, 'workspace-after-reload');
  assert.deepEqual(problems, []);
  await context.close();
});

test('undo and redo a sequence of edits, with buttons and keys', async () => {
  const { page, context, problems } = await app.open();
  const original = await names(page);
  await page.getByRole('button', { name: "Duplicate Customer's Loan is 5 Days Past Due" }).click();
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Copy, renamed');
  await page.getByRole('button', { name: 'Delete YouLend repayment to ledger' }).click();
  assert.deepEqual(await names(page), [original[0], 'Copy, renamed', original[1]]);
  await screenshot(page, 'workspace-edited');

  await page.getByRole('button', { name: 'Undo', exact: false }).first().click(); // the delete
  assert.deepEqual(await names(page), [original[0], 'Copy, renamed', original[1], original[2]]);
  await page.getByRole('heading', { level: 1 }).click(); // focus nothing editable
  await page.keyboard.press('Control+z'); // the rename (one step for all the typing)
  assert.deepEqual(await names(page), [original[0], `${original[0]} (copy)`, original[1], original[2]]);
  await page.keyboard.press('Control+z'); // the duplicate
  assert.deepEqual(await names(page), original);
  assert.equal(await page.getByRole('button', { name: '↶ Undo' }).isDisabled(), true);

  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+y');
  assert.deepEqual(await names(page), [original[0], 'Copy, renamed', original[1], original[2]]);
  await page.getByRole('button', { name: '↷ Redo' }).click();
  assert.deepEqual(await names(page), [original[0], 'Copy, renamed', original[1]]);
  assert.equal(await page.getByRole('button', { name: '↷ Redo' }).isDisabled(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a delete offers undo in its notice', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: 'Delete Customer note: 5 Days Past Due' }).click();
  const notice = page.getByTestId('notice');
  assert.match(await notice.textContent(), /Deleted “Customer note: 5 Days Past Due”/);
  await screenshot(page, 'workspace-deleted');
  await notice.getByRole('button', { name: 'Undo' }).click();
  assert.equal((await names(page)).length, 3);
  // The notice and its button are gone: focus is back in the list, on the selected connection.
  await until(
    () => page.evaluate(() => document.activeElement.matches('.connection-item[aria-current]')),
    'focus on the selected connection',
  );
  assert.equal(await page.getByTestId('notice').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('after a delete by keyboard, focus is on the connection selected in its place, then on adding one', async () => {
  const { page, context, problems } = await app.open();
  const focused = () => page.evaluate(() => document.activeElement.textContent.trim());
  await page.getByRole('button', { name: "Delete Customer's Loan is 5 Days Past Due" }).focus();
  await page.keyboard.press('Enter');
  await until(async () => (await focused()).startsWith('Customer note: 5 Days Past Due'), 'focus on the next connection');
  while ((await names(page)).length > 0) {
    await page.getByRole('button', { name: /^Delete / }).first().focus();
    await page.keyboard.press('Enter');
  }
  await until(async () => (await focused()) === 'New blank connection', 'focus on starting a connection');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a connection whose name is cleared is listed by its id, and its name field says why', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('textbox', { name: 'Connection name' }).fill('');
  assert.equal((await names(page))[0], 'late-5-external');
  await page.getByRole('button', { name: 'Delete late-5-external' }).waitFor();
  assert.equal(await page.getByRole('article', { name: 'late-5-external' }).count(), 1);
  // lint's warning, at the field it is about.
  const problemsOfName = page.getByRole('list', { name: 'Name problems' });
  assert.match(await problemsOfName.textContent(), /the name is empty/);
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Late payers');
  assert.equal(await problemsOfName.isHidden(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('search, add from an example, and the empty state', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption({ label: 'Blank connection' });
  assert.equal(await page.getByRole('textbox', { name: 'Connection name' }).inputValue(), 'New connection');
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('youlend-repayment-ledger');
  assert.equal((await names(page)).length, 5);
  await page.getByRole('searchbox', { name: 'Search connections' }).fill('youlend');
  assert.deepEqual(await names(page), ['YouLend repayment to ledger', 'YouLend repayment to ledger']);
  await page.getByRole('searchbox', { name: 'Search connections' }).fill('no such thing');
  assert.match(await page.locator('.sidebar .empty').textContent(), /No connection matches “no such thing”/);
  await screenshot(page, 'workspace-search-empty');

  // An empty workspace says so where the editor was, and starts a connection from there.
  await page.getByRole('searchbox', { name: 'Search connections' }).fill('');
  while ((await names(page)).length > 0) {
    await page.getByRole('button', { name: /^Delete / }).first().click();
  }
  await page.getByRole('heading', { name: 'No connections yet' }).waitFor();
  await screenshot(page, 'workspace-empty');
  await page.getByRole('button', { name: "Example: Customer's Loan is 5 Days Past Due" }).click();
  assert.equal(await page.getByRole('textbox', { name: 'Connection name' }).inputValue(), "Customer's Loan is 5 Days Past Due");
  assert.deepEqual(await names(page), ["Customer's Loan is 5 Days Past Due"]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('unreadable stored data is backed up, explained, and the examples load', async () => {
  const { page, context, problems } = await app.open();
  await page.evaluate(() => localStorage.setItem('hookwright.workspace', '{"storageVersion": 1, "workspace": {trunc'));
  await page.reload();
  await ready(page);
  const notice = page.getByTestId('notice');
  assert.match(await notice.textContent(), /could not be read: it is not valid JSON/);
  assert.match(await notice.textContent(), /hookwright\.workspace\.backup\.\d+/);
  assert.equal((await names(page)).length, 3);
  const backups = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('hookwright.workspace.backup.'))
      .map((k) => localStorage.getItem(k)),
  );
  assert.deepEqual(backups, ['{"storageVersion": 1, "workspace": {trunc']);
  await screenshot(page, 'workspace-recovered');
  // Reloading again (nothing edited, so the unreadable data is still there)
  // keeps the one backup instead of adding a copy each time.
  const key = (await notice.textContent()).match(/hookwright\.workspace\.backup\.\d+/)[0];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await ready(page);
    assert.match(await page.getByTestId('notice').textContent(), new RegExp(key.replace(/\./g, '\\.')));
  }
  const after = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('hookwright.workspace.backup.')));
  assert.deepEqual(after, [key]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('two stored connections with one id are repaired on load, with a notice', async () => {
  const { page, context, problems } = await app.open();
  // Opening another connection saves the workspace.
  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  await saved(page, () => true);
  await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem('hookwright.workspace'));
    const twin = structuredClone(stored.workspace.connections[0]);
    twin.name = 'The twin';
    stored.workspace.connections.push(twin);
    localStorage.setItem('hookwright.workspace', JSON.stringify(stored));
  });
  await page.reload();
  await ready(page);
  const notice = page.getByTestId('notice');
  assert.match(await notice.textContent(), /1 connection whose id was already used; it was renamed .*“late-5-external” → “late-5-external-2”/);
  await screenshot(page, 'workspace-duplicate-ids');
  await page.getByRole('button', { name: /^The twin/ }).click();
  assert.equal(await page.getByRole('textbox', { name: 'Connection name' }).inputValue(), 'The twin');
  await page.getByRole('button', { name: 'Delete The twin' }).click();
  assert.deepEqual(await names(page), ["Customer's Loan is 5 Days Past Due", 'Customer note: 5 Days Past Due', 'YouLend repayment to ledger']);
  const ids = (w) => w.workspace.connections.map((c) => c.id).join(' ');
  await saved(page, (w) => ids(w) === 'late-5-external late-5-note youlend-repayment-ledger', 'the twin deleted');
  assert.deepEqual(problems, []);
  await context.close();
});

test("another tab's save is noticed, not overwritten", async () => {
  const { page, context, problems } = await app.open();
  const other = await context.newPage();
  await other.goto(app.server.url);
  await ready(other);
  await other.getByRole('textbox', { name: 'Connection name' }).fill('Renamed in tab two');
  const conflict = page.getByTestId('conflict');
  await conflict.waitFor({ timeout: 5_000 });
  // Saving is paused here: an edit in this tab must not overwrite tab two's copy.
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Renamed in tab one');
  await page.waitForTimeout(600);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('hookwright.workspace')));
  assert.equal(stored.workspace.connections[0].name, 'Renamed in tab two');
  await screenshot(page, 'workspace-other-tab');
  await conflict.getByRole('button', { name: "Load the other tab's version" }).click();
  assert.equal(await page.getByRole('textbox', { name: 'Connection name' }).inputValue(), 'Renamed in tab two');
  assert.equal(await page.getByTestId('conflict').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
