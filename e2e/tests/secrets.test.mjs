// Secrets never leave unless the user says so: credentials typed in the
// Authorization preset header, an X-Api-Key header, and the URL's user-info
// and ?token= stay out of share links, exports without secrets, the send
// history and localStorage outside the workspace; with "Include secrets" an
// export gives them back exactly. Marks, unreadable and too-long share links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appUnderTest, screenshot, outputDir, until, ready, saved, storedWorkspace, importFile, importIntoFreshProfile, openShareLink, closeClean } from '../harness.mjs';
import { recorderUnderTest } from '../recorder.mjs';

const app = appUnderTest();
const recorder = recorderUnderTest();

const BEARER = 'bearer-e2e-0123456789';
const API_KEY = 'apikey-e2e-9876543210';
const URL_PASS = 'urlpass-e2e-5551234';
const URL_TOKEN = 'urltoken-e2e-4242424242';
const SECRETS = [BEARER, API_KEY, URL_PASS, URL_TOKEN];
const LEFT_OUT = [
  'the Authorization header',
  'the X-Api-Key header',
  'the password in the URL',
  "the URL's token parameter",
];

const leaks = (text) => SECRETS.filter((s) => text.includes(s));

/** localStorage as { key: value }. */
const storage = (page) =>
  page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));

const storedConnections = async (page) => (await storedWorkspace(page)).workspace.connections;

const listItems = (locator) => locator.locator('li').allTextContents();

/** A new connection with a credential typed in each place the issue found leaking. */
async function typeCredentials(page, userInfo) {
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Lender hook');
  const host = userInfo ? recorder.origin.replace('http://', `http://ops:${URL_PASS}@`) : recorder.origin;
  await page.getByRole('textbox', { name: 'URL' }).fill(`${host}/hook?token=${URL_TOKEN}&loan=[[v('loan-id')]]`);
  await page.getByRole('combobox', { name: 'Add a preset header' }).selectOption('Authorization: Bearer');
  await page.getByLabel('Header 2 value', { exact: true }).fill(`Bearer ${BEARER}`);
  await page.getByRole('button', { name: '+ Add header' }).click();
  await page.getByRole('textbox', { name: 'Header 3 name' }).fill('X-Api-Key');
  await page.getByLabel('Header 3 value', { exact: true }).fill(API_KEY);
}

const sendAndWait = async (page, expected) => {
  const count = async () =>
    (await page.evaluate(() => Object.values(JSON.parse(localStorage.getItem('hookwright.sends') ?? '{}')).flat().length));
  const before = await count();
  await page.getByRole('button', { name: 'Send test' }).click();
  await until(async () => (await count()) > before, 'the send to be kept', 10_000);
  assert.equal(await page.getByTestId('response-status').textContent(), expected);
};

test('credentials typed anywhere stay out of links, exports without secrets, the history and other storage', async () => {
  const { page, context, problems } = await app.open();
  await typeCredentials(page, false);

  // Each credential is marked secret by its name, with a box to say otherwise.
  assert.equal(await page.getByRole('checkbox', { name: 'Header 1 value is secret' }).isChecked(), false);
  assert.equal(await page.getByRole('checkbox', { name: 'Header 2 value is secret' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: 'Header 3 value is secret' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: 'Query parameter token is secret' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: 'Query parameter loan is secret' }).isChecked(), false);
  assert.equal(await page.getByLabel('Header 3 value', { exact: true }).getAttribute('type'), 'password');

  // The preview masks all of them; the send carries the real values.
  const preview = page.getByTestId('request-preview');
  await until(async () => (await preview.textContent()).includes('X-Api-Key'), 'the preview');
  assert.deepEqual(leaks(await preview.textContent()), []);
  assert.deepEqual(leaks(await page.getByTestId('rendered-url').textContent()), []);
  await screenshot(page, 'secrets-typed');
  const before = recorder.received.length;
  await sendAndWait(page, '200');
  const got = recorder.received[before];
  const sent = Object.fromEntries(got.headers.map(([n, v]) => [n.toLowerCase(), v]));
  assert.equal(sent.authorization, `Bearer ${BEARER}`);
  assert.equal(sent['x-api-key'], API_KEY);
  assert.ok(got.url.includes(`token=${URL_TOKEN}`));

  // With user:pass in the URL the browser refuses to build the request ("Not sent");
  // the attempt is kept, masked.
  const url = page.getByRole('textbox', { name: 'URL' });
  await url.fill((await url.inputValue()).replace('http://', `http://ops:${URL_PASS}@`));
  assert.equal(await page.getByRole('checkbox', { name: 'Query parameter token is secret' }).isChecked(), true);
  await until(async () => /password in the URL/.test(await page.locator('.url-secrets').textContent()), 'the user-info note');
  await page.waitForTimeout(300);
  await sendAndWait(page, 'Not sent');
  const history = page.locator('.send-history');
  await history.locator('summary').click();
  assert.match(await history.locator('summary').textContent(), /2 kept, secrets masked/);
  assert.deepEqual(leaks(await page.locator('.test-panel').textContent()), []);
  await screenshot(page, 'secrets-history');

  // Share: the dialog says exactly what is left out, and the link holds none of it.
  await page.getByRole('button', { name: 'Share' }).click();
  const share = page.getByRole('dialog', { name: 'Share this connection' });
  assert.deepEqual(await listItems(share.getByRole('list', { name: 'Secrets left out' })), LEFT_OUT.map((l) => `new-connection: ${l}`));
  const link = await share.getByRole('textbox', { name: 'Share link' }).inputValue();
  const shared = Buffer.from(link.split('#share=')[1], 'base64url').toString();
  assert.deepEqual(leaks(link), []);
  assert.deepEqual(leaks(shared), []);
  assert.ok(shared.includes('Bearer <redacted>'));
  await screenshot(page, 'secrets-share-dialog');
  await share.getByRole('button', { name: 'Close' }).click();

  // Export without secrets: listed, and not in the file.
  await page.getByRole('button', { name: 'Export' }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export connections' });
  assert.deepEqual(
    await listItems(exportDialog.getByRole('list', { name: 'Secrets left out' })),
    LEFT_OUT.map((l) => `new-connection: ${l}`),
  );
  await screenshot(page, 'secrets-export-without');
  const [plain] = await Promise.all([
    page.waitForEvent('download'),
    exportDialog.getByRole('button', { name: 'Download 4 connections' }).click(),
  ]);
  const plainFile = join(outputDir, 'secrets-export-without.json');
  await plain.saveAs(plainFile);
  const plainText = await readFile(plainFile, 'utf8');
  assert.deepEqual(leaks(plainText), []);
  assert.ok(plainText.includes('<redacted>'));

  // Export with secrets: the dialog warns, and the file holds them.
  await page.getByRole('button', { name: 'Export' }).click();
  await exportDialog.getByRole('checkbox', { name: 'Include secrets (tokens, passwords, keys)' }).check();
  assert.match(await exportDialog.getByTestId('export-secrets').textContent(), /will contain these secrets in plain text/);
  await screenshot(page, 'secrets-export-with');
  const [full] = await Promise.all([
    page.waitForEvent('download'),
    exportDialog.getByRole('button', { name: 'Download 4 connections' }).click(),
  ]);
  const fullFile = join(outputDir, 'secrets-export-with.json');
  await full.saveAs(fullFile);
  assert.deepEqual(leaks(await readFile(fullFile, 'utf8')), SECRETS);

  // Nothing outside the workspace holds a secret; the workspace does.
  await saved(page, (w) => isDeepStrictEqual(leaks(JSON.stringify(w)), SECRETS), 'every secret saved');
  const stored = await storage(page);
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'hookwright.workspace') assert.deepEqual(leaks(value), SECRETS);
    else assert.deepEqual(leaks(value), [], key);
  }
  const original = await storedConnections(page);

  // The export with secrets round-trips exactly into a fresh profile.
  await importIntoFreshProfile(app, fullFile, original, async (dialog) => {
    // The three examples clash; the new connection does not.
    assert.equal(await dialog.getByRole('combobox', { name: /^When .+ exists$/ }).count(), 3);
    // Only the example's token, which was never filled in, is still to fill in.
    assert.deepEqual(await listItems(dialog.getByRole('list', { name: 'Secrets to fill in' })), [
      'late-5-note: the bearer token',
    ]);
  });

  // The export without secrets imports with placeholders and a list to fill in.
  const other = await app.open();
  const review = await importFile(other.page, plainFile);
  assert.deepEqual(await listItems(review.getByRole('list', { name: 'Secrets to fill in' })), [
    'late-5-note: the bearer token',
    ...LEFT_OUT.map((l) => `new-connection: ${l}`),
  ]);
  await screenshot(other.page, 'secrets-import-to-fill-in');
  await review.getByRole('button', { name: 'Add to workspace' }).click();
  await other.page.getByRole('button', { name: /^Lender hook/ }).click();
  assert.match(await other.page.locator('.headers-editor').textContent(), /left out of this export \(<redacted>\); fill it in/);
  assert.match(await other.page.locator('.url-secrets').textContent(), /left out of an export \(<redacted>\)/);
  await until(async () => /cannot be rendered yet/.test(await other.page.getByTestId('request-preview').textContent()), 'the preview refusing');
  assert.match(await other.page.getByTestId('request-preview').textContent(), /left out of this export; fill it in/);
  await other.page.getByRole('button', { name: 'Show secret values' }).click();
  assert.equal(await other.page.getByLabel('Header 2 value', { exact: true }).inputValue(), 'Bearer <redacted>');
  await screenshot(other.page, 'secrets-imported-placeholders');
  await closeClean(other, { context, problems });
});

test('any header value or query parameter can be marked or unmarked, and lint-like warnings say when to', async () => {
  const { page, context, problems } = await app.open();
  const REF = 'Zk3Jd8s9Qm2Lx7Vb4Np1Rt6Y';
  const CODE = 'Zq81Lm02Xc93Vb74Nn65';
  await page.getByRole('textbox', { name: 'URL' }).fill(`https://hooks.example.com/in?code=${CODE}&api_key=public-demo-key`);
  await page.getByRole('button', { name: '+ Add header' }).click();
  await page.getByRole('textbox', { name: 'Header 2 name' }).fill('X-Lender-Ref');
  await page.getByLabel('Header 2 value', { exact: true }).fill(REF);
  const headers = page.locator('.headers-editor');
  await until(async () => /looks like a credential/.test(await headers.textContent()), 'the warning');
  assert.match(await page.locator('.url-secrets').textContent(), /The URL's `code` parameter looks like a credential but is not marked secret/);
  await screenshot(page, 'secrets-unmarked-warning');
  await page.getByRole('checkbox', { name: 'Header 2 value is secret' }).check();
  await page.getByRole('checkbox', { name: 'Query parameter code is secret' }).check();
  await page.getByRole('checkbox', { name: 'Query parameter api_key is secret' }).uncheck();
  assert.doesNotMatch(await headers.textContent(), /looks like a credential/);
  assert.doesNotMatch(await page.locator('.url-secrets').textContent(), /looks like a credential/);
  assert.match(await page.locator('.url-secrets').textContent(), /code secret \(marked by you\)/);
  assert.match(await page.locator('.url-secrets').textContent(), /api_key not secret/);
  await screenshot(page, 'secrets-marked');

  await page.getByRole('button', { name: 'Share' }).click();
  const share = page.getByRole('dialog', { name: 'Share this connection' });
  assert.deepEqual(await listItems(share.getByRole('list', { name: 'Secrets left out' })), [
    'late-5-external: the X-Lender-Ref header',
    "late-5-external: the URL's code parameter",
  ]);
  const link = await share.getByRole('textbox', { name: 'Share link' }).inputValue();
  const shared = Buffer.from(link.split('#share=')[1], 'base64url').toString();
  assert.ok(!shared.includes(REF) && !shared.includes(CODE));
  assert.ok(shared.includes('public-demo-key'), 'the unmarked parameter goes along');
  await share.getByRole('button', { name: 'Close' }).click();

  // The marks are part of the connection: they survive a reload.
  const stored = (await saved(page, (w) => w.workspace.connections[0].request.querySecrets?.code === true, 'the marks saved'))
    .workspace.connections[0].request;
  assert.deepEqual(stored.querySecrets, { code: true, api_key: false });
  assert.equal(stored.headers[1].secret, true);
  await page.reload();
  await ready(page);
  assert.equal(await page.getByRole('checkbox', { name: 'Header 2 value is secret' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: 'Query parameter code is secret' }).isChecked(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a share link that cannot be read says so', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  await context.close();
  for (const [name, bad] of [
    ['garbage', `${app.server.url}#share=%%%not-a-link%%%`],
    ['truncated', link.slice(0, Math.floor(link.length * 0.6))],
    ['wrong-encoding', `${app.server.url}#share=${Buffer.from('{"format": "hookwright/connections"').toString('base64')}`],
  ]) {
    const other = await openShareLink(app, bad);
    const { dialog } = other;
    const text = await dialog.textContent();
    assert.match(text, /This share link cannot be read/, name);
    assert.match(text, /Nothing was changed/, name);
    assert.equal(await dialog.getByRole('button', { name: 'Add to workspace' }).count(), 0, name);
    await screenshot(other.page, `secrets-share-unreadable-${name}`);
    assert.deepEqual(other.problems, [], name);
    await other.context.close();
  }
  assert.deepEqual(problems, []);
});

test('a connection too large for a link is offered as a file', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  await page.getByLabel('Bearer token').fill(BEARER);
  const body = JSON.stringify({ notes: Array.from({ length: 900 }, (_, i) => `note ${i} [[v('loan-id')]] padding text`) }, null, 2);
  await page.getByRole('textbox', { name: 'Body' }).fill(body);
  await page.waitForTimeout(400);
  await page.getByRole('button', { name: 'Share' }).click();
  const share = page.getByRole('dialog', { name: 'Share this connection' });
  assert.match(await share.getByTestId('share-too-long').textContent(), /too large for a link: it would be \d+ KB/);
  assert.equal(await share.getByRole('textbox', { name: 'Share link' }).count(), 0);
  assert.deepEqual(await listItems(share.getByRole('list', { name: 'Secrets left out' })), ['late-5-note: the bearer token']);
  // The page is 20,000 px tall with this body: the dialog alone.
  await share.screenshot({ path: join(outputDir, 'secrets-share-too-long.png') });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    share.getByRole('button', { name: 'Download the file' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'late-5-note.json');
  const file = join(outputDir, 'secrets-share-too-long.json');
  await download.saveAs(file);
  const text = await readFile(file, 'utf8');
  assert.ok(!text.includes(BEARER));
  assert.ok(text.includes('padding text'));
  assert.deepEqual(problems, []);
  await context.close();
});
