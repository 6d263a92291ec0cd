// Request and payload editing, the live preview, test sends from the browser
// against a recording server, export/import and the share link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appUnderTest, screenshot, outputDir, until, saved, storedWorkspace, preview, importFile, importIntoFreshProfile, openShareLink, closeClean } from '../harness.mjs';
import { recorderUnderTest } from '../recorder.mjs';

const app = appUnderTest();
const recorder = recorderUnderTest();

const SEED_BODY = `{
  "Notes": {
    "results": [
      {
        "body": "This customer was late on their payment  on [[v('current-date')]]. Their outstanding balance at the time was $[[v('status-amount-due')]].",
        "categoryId": 2,
        "subject": "Delinquencies",
        "type": "STANDARD"
      }
    ]
  }
}`;
const TOKEN = 'test-token-0123456789';

/** Builds the seed's LoanPro customer-note connection in the UI, aimed at `url`. */
async function buildCustomerNote(page, url) {
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Customer note (built in the UI)');
  await page.getByRole('combobox', { name: 'Method' }).selectOption('PUT');
  await page.getByRole('textbox', { name: 'URL' }).fill(url);
  await page.getByRole('combobox', { name: 'Add a preset header' }).selectOption('LoanPro tenant (Autopal-Instance-Id)');
  await page.getByRole('textbox', { name: 'Header 2 value' }).fill('5200243');
  // LoanPro lists Autopal-Instance-Id first; reorder with the keyboard-usable buttons.
  await page.getByRole('button', { name: 'Move header 2 up' }).click();
  await page.getByRole('combobox', { name: 'Auth type' }).selectOption('bearer');
  await page.getByLabel('Bearer token').fill(TOKEN);
  await page.getByRole('radio', { name: 'Custom body' }).check();
  await page.getByRole('textbox', { name: 'Body' }).fill(SEED_BODY);
}

test('the customer-note connection built in the UI is sent exactly as previewed', async () => {
  const { page, context, problems } = await app.open();
  const url = `${recorder.origin}/api/public/api/1/odata.svc/Customers([[v('customer.primary.id')]])`;
  await buildCustomerNote(page, url);
  assert.equal(await page.getByLabel('Bearer token').getAttribute('type'), 'password', 'token masked');
  const shown = await until(async () => {
    const p = await preview(page);
    return p.method === 'PUT' && p.body.includes('Delinquencies') && p.headers.some(([n]) => n === 'Authorization') && p;
  }, 'the preview');
  assert.match(shown.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/public\/api\/1\/odata\.svc\/Customers\(\d+\)$/);
  assert.deepEqual(shown.headers, [
    ['Autopal-Instance-Id', '5200243'],
    ['Content-Type', 'application/json'],
    ['Authorization', 'Bearer ••••••••'],
  ]);
  assert.ok(!(await page.getByTestId('request-preview').textContent()).includes(TOKEN), 'secret masked in the preview');
  assert.match(await page.locator('.browser-plan').textContent(), /preflight/);
  await screenshot(page, 'request-built');

  const before = recorder.received.length;
  await page.getByRole('button', { name: 'Send test' }).click();
  const status = page.getByTestId('response-status');
  await status.waitFor({ timeout: 10_000 });
  assert.equal(await status.textContent(), '200');
  const got = recorder.received[before];
  assert.equal(recorder.received.length, before + 1);
  assert.equal(got.method, shown.method);
  assert.equal(recorder.origin + got.url, shown.url);
  assert.equal(got.body, shown.body);
  const sent = Object.fromEntries(got.headers.map(([n, v]) => [n.toLowerCase(), v]));
  for (const [name, value] of shown.headers) {
    const expected = name === 'Authorization' ? `Bearer ${TOKEN}` : value;
    assert.equal(sent[name.toLowerCase()], expected, name);
  }
  assert.match(await page.getByTestId('response-body').textContent(), /"ok": true/);
  await screenshot(page, 'request-sent');

  // The history keeps the send with the token masked.
  const kept = await page.evaluate(() => localStorage.getItem('hookwright.sends'));
  assert.ok(kept.includes('Bearer ••••••••') && !kept.includes(TOKEN), 'history masks the token');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a server that never answers times out, and Cancel stops a send', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('textbox', { name: 'URL' }).fill(`${recorder.origin}/hang`);
  await page.getByRole('spinbutton', { name: 'Timeout (seconds)' }).fill('0.8');
  const started = Date.now();
  await page.getByRole('button', { name: 'Send test' }).click();
  const status = page.getByTestId('response-status');
  await until(async () => (await status.count()) && (await status.textContent()) === 'Timed out', 'the timeout', 6000);
  assert.ok(Date.now() - started < 5000);
  await screenshot(page, 'request-timed-out');

  // A timeout no send can use is said at the field and blocks Send (it was kept unseen).
  const timeout = page.getByRole('spinbutton', { name: 'Timeout (seconds)' });
  for (const bad of ['0', '-5', '1000']) {
    await timeout.fill(bad);
    assert.equal(await page.getByRole('button', { name: 'Send test' }).isDisabled(), true, bad);
    assert.equal(await timeout.getAttribute('aria-invalid'), 'true', bad);
    assert.match(await page.getByRole('alert').filter({ hasText: 'timeout' }).textContent(), /from 0\.1 to 300 seconds/);
  }
  await timeout.fill('30');
  assert.equal(await timeout.getAttribute('aria-invalid'), null);
  await page.getByRole('button', { name: 'Send test' }).click();
  await until(async () => page.getByRole('button', { name: 'Cancel' }).isEnabled(), 'sending');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await until(async () => (await status.textContent()) === 'Cancelled', 'the cancel');
  assert.equal(await page.getByRole('button', { name: 'Send test' }).isEnabled(), true);
  await screenshot(page, 'request-cancelled');
  // Chromium reports the aborted fetches as failed requests; nothing else may fail.
  assert.deepEqual(problems.filter((p) => !p.includes('/hang')), []);
  await context.close();
});

test('a response body with markup is shown as text and runs nothing', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('textbox', { name: 'URL' }).fill(`${recorder.origin}/xss`);
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByTestId('response-status').waitFor({ timeout: 10_000 });
  const body = page.getByTestId('response-body');
  assert.match(await body.textContent(), /^<img src=x onerror="window.__pwned = 1"><script>/);
  assert.equal(await page.locator('.response img, .response script, .response b').count(), 0);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await screenshot(page, 'request-markup-as-text');
  assert.deepEqual(problems, []);
  await context.close();
});

const storedConnections = async (page) => (await storedWorkspace(page)).workspace.connections;

test('export, then import into a fresh profile, gives back identical connections', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  await page.getByLabel('Bearer token').fill(TOKEN);
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('checkbox', { name: 'Include secrets (tokens, passwords, keys)' }).check();
  await screenshot(page, 'export-dialog');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download 3 connections' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'hookwright-connections.json');
  const file = join(outputDir, 'exported-connections.json');
  await download.saveAs(file);
  await saved(page, (w) => JSON.stringify(w).includes(TOKEN), 'the token saved');
  const original = await storedConnections(page);
  assert.ok((await readFile(file, 'utf8')).includes(TOKEN));

  await importIntoFreshProfile(app, file, original, async (dialog, fresh) => {
    assert.equal(await dialog.getByRole('combobox', { name: /^When .+ exists$/ }).count(), original.length);
    await screenshot(fresh, 'import-conflicts');
  });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a broken file lists its problems and changes nothing', async () => {
  const { page, context, problems } = await app.open();
  const before = await page.evaluate(() => localStorage.getItem('hookwright.workspace'));
  const names = () => page.getByRole('navigation', { name: 'Connections' }).locator('.connection-name').allTextContents();
  const namesBefore = await names();
  const dialog = await importFile(page, {
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{\n  "format": "hookwright/connections",\n  "version": 1,\n  "connections": [ { "id": "x", } ]\n}\n'),
  });
  const text = await dialog.textContent();
  assert.match(text, /cannot be imported\. Nothing was changed\./);
  assert.match(await dialog.getByRole('list', { name: 'Problems in the file' }).textContent(), /line 4, column \d+/);
  assert.equal(await dialog.getByRole('button', { name: 'Add to workspace' }).count(), 0);
  await screenshot(page, 'import-broken');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForTimeout(400);
  assert.deepEqual(await names(), namesBefore);
  assert.equal(await page.evaluate(() => localStorage.getItem('hookwright.workspace')), before);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a value of the wrong type in an imported file is listed at its own field and place', async () => {
  // The engine's lint named it `request` at request's closing brace (serde reads a tagged
  // payload whole before its variant).
  const { page, context, problems } = await app.open();
  const dialog = await importFile(page, {
    name: 'wrong-type.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "hookwright/connections", "version": 1, "connections": [\n'
      + '{"id": "w", "name": "W", "source": "loanpro", "trigger": {"type": "rule", "rule": "(= 1 1)"},\n'
      + ' "request": {"method": "POST", "url": "https://x.example/",\n'
      + '  "payload": {"type": "variables", "variables": ["loan-id", 5]}}}\n]}\n'),
  });
  assert.match(await dialog.textContent(), /cannot be imported\. Nothing was changed\./);
  const listed = await dialog.getByRole('list', { name: 'Problems in the file' }).textContent();
  assert.match(listed, /connection w, request\.payload\.variables\[1\], line 4, column 61/);
  assert.match(listed, /invalid type: integer `5`, expected a string/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a share link carries the connection without its secret and offers to add it', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  await page.getByLabel('Bearer token').fill(TOKEN);
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  assert.match(link, /#share=[A-Za-z0-9_-]+$/);
  assert.ok(!Buffer.from(link.split('#share=')[1], 'base64url').toString().includes(TOKEN));

  const other = await openShareLink(app, link);
  const { dialog } = other;
  assert.match(await dialog.textContent(), /From the share link: 1 connection ready/);
  await screenshot(other.page, 'share-link-opened');
  await dialog.getByRole('button', { name: 'Add to workspace' }).click();
  assert.equal(await other.page.getByRole('textbox', { name: 'Connection name' }).inputValue(), 'Customer note: 5 Days Past Due');
  assert.equal(await other.page.evaluate(() => location.hash), '');
  await closeClean(other, { context, problems });
});

test("a GET's body: the browser plan says the test send goes without it", async () => {
  const { page, context, problems } = await app.open();
  const plan = page.getByRole('list', { name: 'What the browser will do' });
  await plan.waitFor({ timeout: 15_000 });
  assert.doesNotMatch(await plan.textContent(), /no body with GET/);
  await page.getByRole('combobox', { name: 'Method' }).selectOption('GET');
  await until(async () => /Browsers send no body with GET/.test(await plan.textContent()), 'the GET body warning');
  assert.deepEqual(problems, []);
  await context.close();
});

test("PATCH, which LoanPro's Advanced Connections do not send, is warned of at the method", async () => {
  const { page, context, problems } = await app.open();
  const warned = page.getByRole('list', { name: 'Method problems' });
  assert.equal(await warned.isHidden(), true);
  await page.getByRole('combobox', { name: 'Method' }).selectOption('PATCH');
  await until(async () => /name no PATCH/.test(await warned.textContent()), 'the PATCH warning');
  await page.getByRole('combobox', { name: 'Method' }).selectOption('PUT');
  await until(() => warned.isHidden(), 'the warning gone');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a preset header takes focus to its value, in the row it added or filled', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  const presets = page.getByRole('combobox', { name: 'Add a preset header' });
  const focusedLabel = () => page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  await presets.selectOption('LoanPro tenant (Autopal-Instance-Id)');
  await until(async () => (await focusedLabel()) === 'Header 2 value', 'focus on the tenant id');
  await page.keyboard.type('5200243');
  assert.equal(await page.getByRole('textbox', { name: 'Header 2 value' }).inputValue(), '5200243');
  // The blank connection has Content-Type already: the preset fills that row and says so by focus.
  await presets.selectOption('JSON content type');
  await until(async () => (await focusedLabel()) === 'Header 1 value', 'focus on the filled row');
  assert.equal(await page.getByRole('table').first().locator('tbody tr').count(), 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a preview problem with no place in a text is said once, with no caret view repeating it", async () => {
  const { page, context, problems } = await app.open();
  // The example's bearer token was left out of its file.
  await page.getByRole('button', { name: /^Customer note: 5 Days Past Due/ }).click();
  const why = page.getByRole('list', { name: 'Why the request cannot be rendered' });
  const text = await why.textContent();
  assert.equal(text.split('the bearer token was left out').length - 1, 1, text);
  // A problem with a place keeps its caret view.
  await page.getByLabel('Bearer token').fill(TOKEN);
  await page.getByRole('textbox', { name: 'URL' }).fill("https://example.com/[[v('loan-idd')]]");
  await until(async () => (await why.locator('pre.caret').count()) === 1, 'the URL problem with its caret view');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the workspace dialogs are modal: focus goes in, Escape closes them, focus goes back; a share link shows one on a phone', async () => {
  const { page, context, problems } = await app.open();
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return `${a.closest('dialog') ? 'in dialog' : 'page'}: ${a.getAttribute('aria-label') ?? a.textContent}`;
  });
  const exportButton = page.getByRole('button', { name: 'Export' });
  await exportButton.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Export connections' }).waitFor();
  assert.equal(await focused(), 'in dialog: Close');
  await page.keyboard.press('Escape');
  await until(async () => (await page.locator('dialog').count()) === 0, 'the Export dialog to close');
  assert.equal(await focused(), 'page: Export');

  await page.getByRole('button', { name: 'Paste…' }).click();
  assert.equal(await focused(), 'in dialog: Connection file to import');
  await page.keyboard.type('{"format": "nope"}');
  await page.getByRole('button', { name: 'Check' }).click();
  await until(async () => (await focused()) === 'in dialog: Cancel', 'focus on the review');
  await page.keyboard.press('Escape');
  await until(async () => (await page.locator('dialog').count()) === 0, 'the Import dialog to close');
  assert.equal(await focused(), 'page: Paste…');

  // Below 900 px the connection list, where the dialogs live, is folded away.
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  const phone = await app.browser.newContext({ viewport: { width: 390, height: 844 } });
  const other = await phone.newPage();
  await other.goto(link);
  const dialog = other.getByRole('dialog', { name: 'Import connections' });
  await dialog.getByRole('button', { name: 'Add to workspace' }).click({ timeout: 15_000 });
  await until(async () => (await other.locator('dialog').count()) === 0, 'the share link added');
  await phone.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 2,000-line body keeps typing fast and validates after a pause, errors underlined', async () => {
  const { page, context, problems } = await app.open();
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('radio', { name: 'Custom body' }).check();
  const lines = ['{', '  "items": ['];
  for (let i = 0; i < 1995; i++) lines.push(`    {"n": ${i}, "on": "[[v('current-date')]]", "due": [[v('status-amount-due')]]},`);
  lines.push('    {"last": true}', '  ]', '}');
  assert.equal(lines.length, 2000);
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.fill(lines.join('\n'));
  const status = page.getByTestId('body-status');
  await until(async () => (await status.getAttribute('data-current')) === 'true', 'validation');
  assert.match(await status.textContent(), /valid JSON/);

  // Keystroke cost on our side: from the input event (capture phase, after the
  // browser has edited the text) until Yew has rendered and the task queue is free.
  await body.evaluate((area) => {
    window.__keystrokes = [];
    area.addEventListener('input', () => {
      const t0 = performance.now();
      setTimeout(() => window.__keystrokes.push(performance.now() - t0), 0);
    }, { capture: true });
    area.focus();
    area.setSelectionRange(area.value.length - 2, area.value.length - 2);
  });
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Space');
    await page.waitForTimeout(30);
  }
  const keystrokes = await page.evaluate(() => window.__keystrokes.sort((a, b) => a - b));
  assert.equal(keystrokes.length, 20);
  await until(async () => (await status.getAttribute('data-current')) === 'true', 'validation after typing');
  const validateMs = Number(await status.getAttribute('data-validate-ms'));
  const median = keystrokes[10];
  console.log(`2,000-line body: keystroke (input event to rendered) median ${median.toFixed(1)} ms, max ${keystrokes[19].toFixed(1)} ms; validation ${validateMs.toFixed(1)} ms, run 150 ms after typing pauses`);
  assert.ok(validateMs < 16, `validation of 2,000 lines within a frame (${validateMs} ms)`);

  // A mistake on line 1000 is underlined there, with line and column in the list.
  await body.evaluate((area) => {
    const at = area.value.indexOf('{"n": 997, "on"') + '{"n": 997'.length;
    area.setRangeText('', at, at + 1, 'end');
    area.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  await until(async () => (await status.getAttribute('data-current')) === 'true' && /problem/.test(await status.textContent()), 'validation of the mistake');
  const errors = await page.locator('#body-errors').textContent();
  assert.match(errors, /line 1000, column \d+/);
  // The editor draws the lines in view: scrolled there, the mistake is underlined.
  await body.evaluate((area) => { area.scrollTop = 999 * 20 - 100; });
  await until(async () => (await page.locator('.code-layer .diag-error').count()) >= 1, 'the underline on line 1000');
  await screenshot(page, 'body-2000-lines-error');
  assert.deepEqual(problems, []);
  await context.close();
});

test('from the keyboard, focus follows a header that is added, moved or removed, and a variable that is removed', async () => {
  const { page, context, problems } = await app.open();
  const focused = () => page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  const focusedIs = (label) => until(async () => (await focused()) === label, `focus on ${label}`);
  await page.getByRole('button', { name: '+ Add header' }).focus();
  await page.keyboard.press('Enter');
  await focusedIs('Header 2 name');
  await page.keyboard.type('X-Trace');
  await page.getByRole('button', { name: 'Move header 2 up' }).focus();
  await page.keyboard.press('Enter');
  // It is header 1 now, whose up arrow is disabled: its down arrow has focus.
  await focusedIs('Move header 1 down');
  assert.equal(await page.getByRole('textbox', { name: 'Header 1 name' }).inputValue(), 'X-Trace');
  await page.getByRole('button', { name: 'Remove header 1' }).focus();
  await page.keyboard.press('Enter');
  await focusedIs('Remove header 1');
  assert.equal(await page.getByRole('textbox', { name: 'Header 1 name' }).inputValue(), 'Content-Type');

  // The first example sends a variable list: removing one moves focus to the next one's ✕.
  const first = await page.locator('ol.variable-list li code').first().textContent();
  const second = await page.locator('ol.variable-list li code').nth(1).textContent();
  await page.getByRole('button', { name: `Remove ${first}`, exact: true }).focus();
  await page.keyboard.press('Enter');
  await focusedIs(`Remove ${second}`);
  assert.deepEqual(problems, []);
  await context.close();
});
