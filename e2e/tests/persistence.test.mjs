// Nothing lost: a failed save says so, pauses autosave and offers an export;
// unreadable data that cannot be backed up is never saved over; the time of
// the last save is visible; selecting or scrolling in one tab is not an edit
// in another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { appUnderTest, screenshot, ready, until } from '../harness.mjs';

const app = appUnderTest();

const stored = (page) => page.evaluate(() => localStorage.getItem('hookwright.workspace'));

/** From now on the browser refuses to store `keyPrefix…` keys, as a full storage does. */
const refuseStorage = (page, keyPrefix) =>
  page.evaluate((prefix) => {
    const original = Storage.prototype.setItem;
    window.__restoreStorage = () => {
      Storage.prototype.setItem = original;
    };
    Storage.prototype.setItem = function (key, value) {
      if (String(key).startsWith(prefix)) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return original.call(this, key, value);
    };
  }, keyPrefix);

test('a failed save shows a notice with Export now, pauses autosave, and recovers on Try again', async () => {
  const { page, context, problems } = await app.open();
  const name = page.getByRole('textbox', { name: 'Connection name' });
  await name.fill('Saved before the disk filled');
  const status = page.getByTestId('save-status');
  await until(async () => /^Saved \d\d:\d\d:\d\d$/.test(await status.textContent()), 'the first save');
  const before = await stored(page);

  await refuseStorage(page, 'hookwright.');
  await name.fill('Typed while storage is full');
  const notice = page.getByTestId('save-failed');
  await notice.waitFor({ timeout: 5_000 });
  assert.equal(await notice.getAttribute('role'), 'alert');
  assert.match(await notice.textContent(), /could not save your work: the browser refused to save \(storage full or disabled\)/);
  assert.equal(await status.textContent(), 'Not saved');
  await screenshot(page, 'persistence-save-failed');

  // Export now downloads the whole workspace as it is in the page.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    notice.getByRole('button', { name: 'Export now' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'hookwright-workspace.json');
  const file = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(file.format, 'hookwright/connections');
  assert.deepEqual(
    file.connections.map((c) => c.name),
    ['Typed while storage is full', 'Customer note: 5 Days Past Due', 'YouLend repayment to ledger'],
  );

  // Autosave stays paused: more typing neither retries nor clears the notice.
  await name.fill('Still typing');
  await page.waitForTimeout(600);
  assert.equal(await notice.count(), 1);
  assert.equal(await stored(page), before);

  // Space again: Try again saves the latest edit and the notice goes.
  await page.evaluate(() => window.__restoreStorage());
  await notice.getByRole('button', { name: 'Try again' }).click();
  await until(async () => (await notice.count()) === 0, 'the notice to go');
  await until(async () => JSON.parse(await stored(page)).workspace.connections[0].name === 'Still typing', 'the retried save');
  assert.match(await status.textContent(), /^Saved \d\d:\d\d:\d\d$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('unreadable data that cannot be backed up is never saved over', async () => {
  const { page, context, problems } = await app.open();
  const unreadable = '{"storageVersion": 1, "workspace": {trunc';
  await page.evaluate((text) => localStorage.setItem('hookwright.workspace', text), unreadable);
  // Storage is full: no backup can be written on the next load.
  await page.addInitScript(() => {
    const original = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (String(key).startsWith('hookwright.workspace')) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return original.call(this, key, value);
    };
  });
  await page.reload();
  await ready(page);
  assert.match(await page.getByTestId('notice').textContent(), /could not be backed up, so it stays where it is/);
  await page.getByRole('textbox', { name: 'Connection name' }).fill('An edit after the failed backup');
  const notice = page.getByTestId('save-failed');
  await notice.waitFor({ timeout: 5_000 });
  assert.match(await notice.textContent(), /no room to back it up before saving over it/);
  await page.getByRole('button', { name: /^YouLend repayment to ledger/ }).click();
  await page.waitForTimeout(600);
  assert.equal(await stored(page), unreadable);
  const backups = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('.backup.')));
  assert.deepEqual(backups, []);
  await screenshot(page, 'persistence-unreadable-kept');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the time of the last save is shown, and survives a reload', async () => {
  const { page, context, problems } = await app.open();
  const status = page.getByTestId('save-status');
  assert.equal(await status.textContent(), 'Not saved yet');
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Timed');
  await until(async () => /^Saved \d\d:\d\d:\d\d$/.test(await status.textContent()), 'the save time');
  const shown = await status.textContent();
  const expected = await page.evaluate(() => {
    const d = new Date(Number(localStorage.getItem('hookwright.saved-at')));
    return `Saved ${[d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')}`;
  });
  assert.equal(shown, expected);
  await page.reload();
  await ready(page);
  assert.equal(await status.textContent(), shown);
  assert.deepEqual(problems, []);
  await context.close();
});

test('selecting and scrolling in one tab raise no conflict in another; an edit does', async () => {
  const { page, context, problems } = await app.open();
  // A saved workspace both tabs start from.
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Shared');
  await until(async () => JSON.parse((await stored(page)) ?? 'null')?.workspace.connections[0].name === 'Shared', 'the save');
  const other = await context.newPage();
  other.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error (tab two): ${msg.text()}`);
  });
  await other.goto(app.server.url);
  await ready(other);

  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  await page.locator('#main').evaluate((el) => {
    el.style.maxHeight = '300px';
    el.scrollTop = 150;
  });
  await page.waitForTimeout(700);
  assert.equal(await other.getByTestId('conflict').count(), 0, 'selecting and scrolling are not edits');
  // Each tab keeps its own selection; the one selected last comes back on reload.
  assert.equal(await other.getByRole('textbox', { name: 'Connection name' }).inputValue(), 'Shared');

  await page.getByRole('textbox', { name: 'Connection name' }).fill('Edited in tab one');
  await other.getByTestId('conflict').waitFor({ timeout: 5_000 });
  assert.match(await other.getByTestId('save-status').textContent(), /Saving paused/);
  // Loading tab one's copy writes the same connections back: tab one sees no conflict.
  await other.getByTestId('conflict').getByRole('button', { name: "Load the other tab's version" }).click();
  await page.waitForTimeout(700);
  assert.equal(await page.getByTestId('conflict').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

/** The focused element's id, and whether it shows below the outline inside the pane. */
const focusedSection = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    const pane = document.querySelector('#main').getBoundingClientRect();
    const outline = document.querySelector('.section-outline').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return { id: el.id, inView: r.top >= outline.bottom - 1 && r.bottom <= pane.bottom + 1 };
  });

test('the outline moves to each section by mouse and keyboard, at 1280 and 390 px', async () => {
  const { page, context, problems } = await app.open();
  const hash = await page.evaluate(() => location.hash);
  const outline = page.getByRole('navigation', { name: 'Sections of this connection' });
  assert.deepEqual(await outline.getByRole('link').allTextContents(), ['Trigger', 'Dry run', 'Request', 'Payload', 'Preview']);
  assert.deepEqual(await outline.locator('[aria-current="location"]').allTextContents(), ['Trigger']);

  // Keyboard: Tab reaches the links, Enter moves focus to the section.
  await outline.getByRole('link', { name: 'Payload' }).focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await focusedSection(page), { id: 'payload-title', inView: true });
  await outline.getByRole('link', { name: 'Request' }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Payload');
  // The outline stays in view however far down the pane is.
  const current = () => outline.locator('[aria-current="location"]').allTextContents();
  await until(async () => (await current())[0] === 'Payload', 'Payload marked');
  await outline.getByRole('link', { name: 'Preview' }).click();
  assert.deepEqual(await focusedSection(page), { id: 'test-title', inView: true });
  // The section being read is marked, by scrolling as well as by the outline.
  await until(async () => (await current())[0] === 'Preview', 'Preview marked');
  await page.locator('#request-title').evaluate((h) => h.scrollIntoView());
  await until(async () => (await current())[0] === 'Request', 'Request marked after scrolling');
  await screenshot(page, 'outline-preview');
  await outline.getByRole('link', { name: 'Dry run' }).click();
  assert.deepEqual(await focusedSection(page), { id: 'dry-run-title', inView: true });
  await outline.getByRole('link', { name: 'Trigger' }).click();
  assert.deepEqual(await focusedSection(page), { id: 'trigger-title', inView: true });
  assert.equal(await page.evaluate(() => location.hash), hash, 'the view in the URL stays');
  // A last section shorter than the pane cannot reach the top: scrolled to the end, it is the one marked.
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.getByRole('radio', { name: 'Custom body' }).check();
  await outline.getByRole('link', { name: 'Preview' }).click();
  await until(async () => (await current())[0] === 'Preview', 'Preview marked at the end of a short connection');
  assert.ok(await page.evaluate(() => {
    const edge = document.querySelector('.section-outline').getBoundingClientRect().bottom;
    return document.getElementById('test-title').getBoundingClientRect().top > edge + 32;
  }), 'the Preview heading stays below the outline here, so only the end of the pane marks it');
  await page.getByRole('button', { name: 'Undo' }).click();

  await page.setViewportSize({ width: 390, height: 844 });
  for (const link of await outline.getByRole('link').all()) {
    const box = await link.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${await link.textContent()} fits at 390 px`);
  }
  await outline.getByRole('link', { name: 'Payload' }).click();
  assert.deepEqual(await focusedSection(page), { id: 'payload-title', inView: true });
  await screenshot(page, 'outline-390');
  assert.deepEqual(problems, []);
  await context.close();
});
