// Test sends that reach real servers: the page → `hookwright relay` → a server that sends no CORS
// headers receives exactly the preview's method, URL, headers and body (query strings,
// percent-encoding, non-ASCII, repeated keys, a fragment); the browser's fetch path sends the
// same bytes; bad input is flagged before sending and no failure leaves the panel stuck; signed
// sends verify; and the Inbox shows webhooks arriving at `hookwright listen` live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { appUnderTest, screenshot, until as untilDone, ready, preview } from '../harness.mjs';
import { startRecorder } from '../recorder.mjs';
import { startHookwright, startBareServer, runHookwright } from '../hookwright.mjs';

const app = appUnderTest();
let recorder;
let bare;
let relay;
let token;
before(async () => {
  recorder = await startRecorder();
  bare = await startBareServer();
  relay = await startHookwright(['relay', '--port', '0']);
  token = relay.lines.find((l) => l.startsWith('Pairing token: ')).slice('Pairing token: '.length);
});
after(async () => {
  await recorder?.close();
  await bare?.close();
  await relay?.stop();
});

/** This file's sends and servers get 8000 ms. */
const until = (fn, what, timeout = 8000) => untilDone(fn, what, timeout);

// Everything a URL can get wrong: an encoded path, non-ASCII, a query with an encoded space,
// repeated keys, an empty value and a fragment (which no client sends).
const PATH_AND_QUERY = "/hooks/caf%C3%A9/ünï?who=3579&tag=a%20b&tag=c&name=José&empty=#section-2";
const BODY = '{"note": "€10 for Zoë ✓", "amount": "10.00"}';

/** Adds a header row after those the connection has; returns its number. */
async function addHeader(page, name, value) {
  const n = (await page.locator('input[aria-label^="Header "][aria-label$=" name"]').count()) + 1;
  await page.getByRole('button', { name: '+ Add header' }).click();
  await page.getByRole('textbox', { name: `Header ${n} name` }).fill(name);
  await page.getByRole('textbox', { name: `Header ${n} value` }).fill(value);
  return n;
}

/** A blank POST connection with the tricky URL, a repeated header, a Latin-1 value and `extra`. */
async function buildTricky(page, origin, extra = []) {
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
  await page.getByRole('textbox', { name: 'Connection name' }).fill('Tricky bytes');
  await page.getByRole('combobox', { name: 'Method' }).selectOption('POST');
  await page.getByRole('textbox', { name: 'URL' }).fill(origin + PATH_AND_QUERY);
  const headers = [['X-Tag', 'one'], ['X-Tag', 'two'], ['X-Name', 'José'], ...extra];
  for (const [name, value] of headers) await addHeader(page, name, value);
  await page.getByRole('radio', { name: 'Custom body' }).check();
  await page.getByRole('textbox', { name: 'Body' }).fill(BODY);
  return until(async () => {
    const p = await preview(page);
    return p.body.includes('Zoë') && p.headers.length >= headers.length && p;
  }, 'the preview');
}

async function useRelay(page, relayToken = token, url = relay.url) {
  await page.getByRole('combobox', { name: 'Send through' }).selectOption('relay');
  await page.getByRole('textbox', { name: 'Relay URL' }).fill(url);
  await page.getByLabel('Relay token').fill(relayToken);
}

async function sendAndWait(page) {
  await page.getByRole('button', { name: 'Send test' }).click();
  const status = page.getByTestId('response-status');
  await until(async () => (await page.getByRole('button', { name: 'Send test' }).isEnabled()) && (await status.count()), 'the send to end', 15_000);
  return status.textContent();
}

/** The request target, header values and body bytes the server must get for what the preview shows. */
function expectedFrom(shown) {
  const url = new URL(shown.url);
  return { target: url.pathname + url.search, body: Buffer.from(shown.body, 'utf8') };
}

function assertSameBytes(got, shown) {
  const expected = expectedFrom(shown);
  assert.equal(got.method, shown.method);
  assert.equal(got.target, expected.target, 'the request target, as the preview shows it (no `&` added, no fragment)');
  assert.ok(!got.target.endsWith('&'));
  assert.ok(!got.target.includes('#'));
  assert.deepEqual(got.body, expected.body, 'the body, byte for byte');
  // Repeated headers compared as HTTP reads them, joined by ", " (fetch's Headers joins them;
  // the relay sends each line, which the relay test checks apart).
  const joined = (list, name) => list.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v).join(', ');
  // A secret header is masked in the preview (Cookie is one by its name); its real value
  // is checked by the caller.
  for (const [name, value] of shown.headers) {
    if (value === MASK) continue;
    assert.equal(joined(got.headers, name), joined(shown.headers, name), `header ${name}`);
  }
}

const MASK = '••••••••';

test('through the relay, a server with no CORS receives exactly the preview\'s bytes', async () => {
  const { page, context, problems } = await app.open();
  // Cookie is a header browsers forbid a page to set; the relay sends it.
  const shown = await buildTricky(page, bare.origin, [['Cookie', 'session=abc']]);
  assert.equal(shown.url, bare.origin + PATH_AND_QUERY, 'the preview shows the URL as written');
  await useRelay(page);
  const plan = await page.locator('.browser-plan').textContent();
  assert.match(plan, /local relay/);
  assert.match(plan, /A browser would drop Cookie; through the relay it is sent as written/);
  const before = bare.received.length;
  assert.equal(await sendAndWait(page), '200');
  assert.equal(bare.received.length, before + 1, 'one request, no preflight');
  const got = bare.received[before];
  assertSameBytes(got, shown);
  assert.deepEqual(shown.headers.find(([n]) => n === 'Cookie'), ['Cookie', MASK], 'the preview masks the cookie');
  assert.deepEqual(got.headers.find(([n]) => n.toLowerCase() === 'cookie'), ['cookie', 'session=abc'], 'the relay sends it as typed');
  assert.equal(got.target, '/hooks/caf%C3%A9/%C3%BCn%C3%AF?who=3579&tag=a%20b&tag=c&name=Jos%C3%A9&empty=');
  assert.deepEqual(got.headers.find(([n]) => n.toLowerCase() === 'x-name'), ['x-name', 'José']);
  assert.deepEqual(got.headers.filter(([n]) => n.toLowerCase() === 'x-tag'), [['x-tag', 'one'], ['x-tag', 'two']]);
  // The response came back through the relay: status, the server's own header, the body.
  assert.match(await page.getByTestId('response-body').textContent(), /"bare": true/);
  await page.getByText(/^Response headers/).click();
  assert.match(await page.locator('.response').textContent(), /x-bare\s*no-cors/);
  // The token is not in the workspace, nor in an export.
  const stored = await page.evaluate(() => localStorage.getItem('hookwright.workspace') + localStorage.getItem('hookwright.relay'));
  assert.ok(!stored.includes(token), 'the relay token is kept out of localStorage');
  await page.getByTestId('response-body').scrollIntoViewIfNeeded();
  await screenshot(page, 'relay-sent');
  assert.deepEqual(problems, []);
  await context.close();
});

test('through the browser\'s fetch the same bytes arrive, with no `&` appended', async () => {
  const { page, context, problems } = await app.open();
  const shown = await buildTricky(page, recorder.origin);
  const before = recorder.received.length;
  assert.equal(await sendAndWait(page), '200');
  const got = recorder.received[before];
  // The recorder keeps the body as text and headers as node reads them (ISO-8859-1).
  assertSameBytes({ ...got, target: got.url, body: Buffer.from(got.body, 'utf8') }, shown);
  assert.equal(got.url, '/hooks/caf%C3%A9/%C3%BCn%C3%AF?who=3579&tag=a%20b&tag=c&name=Jos%C3%A9&empty=');
  await screenshot(page, 'fetch-sent-exact');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong token, a stopped relay and a header outside ISO-8859-1 each say why, and the panel stays usable', async () => {
  const { page, context, problems } = await app.open();
  await buildTricky(page, bare.origin);
  await useRelay(page, 'not-the-token');
  const before = bare.received.length;
  assert.equal(await sendAndWait(page), 'Relay refused (401)');
  assert.match(await page.getByTestId('relay-message').textContent(), /wrong relay token/);
  await page.getByTestId('relay-message').scrollIntoViewIfNeeded();
  await screenshot(page, 'relay-wrong-token');

  // Nothing listens here: the page says the relay was not reached, and Send works again.
  const closed = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  await useRelay(page, token, `http://127.0.0.1:${closed}`);
  assert.equal(await sendAndWait(page), 'Relay not reached');
  assert.match(await page.getByTestId('relay-message').textContent(), /Start it with `hookwright relay`/);
  assert.equal(bare.received.length, before, 'nothing reached the server');

  // A header value with € is flagged in the preview, with what would carry it, and not sent.
  const price = await addHeader(page, 'X-Price', '€10');
  const invalid = page.locator('.request-preview.invalid');
  await invalid.waitFor({ timeout: 5000 });
  const why = await invalid.textContent();
  assert.match(why, /ISO-8859-1/);
  assert.match(why, /%E2%82%AC/);
  assert.equal(await page.getByRole('button', { name: 'Send test' }).isDisabled(), true);
  await invalid.scrollIntoViewIfNeeded();
  await screenshot(page, 'header-outside-latin1');
  // Back to a sendable value: the panel sends again.
  await page.getByRole('textbox', { name: `Header ${price} value` }).fill('EUR 10');
  await useRelay(page);
  assert.equal(await sendAndWait(page), '200');
  assert.equal(bare.received.length, before + 1);
  assert.deepEqual(
    // The refused connection and the 401 are what this test provokes; nothing else may fail.
    problems.filter((p) => !p.includes(`127.0.0.1:${closed}/`) && !p.includes('ERR_CONNECTION_REFUSED') && !p.includes('401')),
    [],
  );
  await context.close();
});

test('a signed test send carries Standard Webhooks headers the CLI verifies', async () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const { page, context, problems } = await app.open();
  await buildTricky(page, bare.origin);
  await page.getByRole('combobox', { name: 'Sign the test send' }).selectOption('standard');
  assert.match(await page.getByTestId('sign-options').textContent(), /Enter the signing secret/);
  assert.equal(await page.getByRole('button', { name: 'Send test' }).isDisabled(), true);
  await page.getByLabel('Signing secret').fill(secret);
  const signing = page.getByTestId('signing-headers');
  await signing.waitFor();
  assert.match(await signing.textContent(), /webhook-signature\s*v1,/);
  await useRelay(page);
  const before = bare.received.length;
  assert.equal(await sendAndWait(page), '200');
  const got = bare.received[before];
  const header = (name) => got.headers.find(([n]) => n.toLowerCase() === name)?.[1];
  assert.match(header('webhook-signature'), /^v1,[A-Za-z0-9+/]{43}=$/);
  const dir = await mkdtemp(join(tmpdir(), 'hookwright-e2e-'));
  try {
    const body = join(dir, 'body');
    await writeFile(body, got.body);
    const verified = await runHookwright(
      ['verify', '--scheme', 'standard', '--signature', header('webhook-signature'), '--id', header('webhook-id'),
        '--timestamp', header('webhook-timestamp'), '--body', body],
      { env: { ...process.env, HOOKWRIGHT_SECRET: secret } },
    );
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^valid: .*timestamp within 5 minutes/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await signing.scrollIntoViewIfNeeded();
  await screenshot(page, 'signed-send');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Inbox shows simulated YouLend webhooks arriving at the listener, and hands them to Reconcile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookwright-e2e-'));
  const secret = 'c2VjcmV0LWtleS1ieXRlcw==';
  const out = join(dir, 'deliveries.ndjson');
  const listener = await startHookwright(['listen', '--port', '0', '--out', out], { env: { HOOKWRIGHT_SECRET: secret } });
  const { page, context, problems } = await app.open('#inbox', { wait: null });
  try {
    await page.getByRole('textbox', { name: 'Listener URL' }).fill(listener.url);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await until(async () => /Connected to/.test(await page.getByTestId('inbox-status').textContent()), 'the stream');
    const sent = await runHookwright(
      ['simulate', 'youlend', '--to', `${listener.url}/webhooks/youlend`, '--settlements', '2', '--manual', '2',
        '--retry-rate', '0.5', '--seed', '5'],
      { env: { ...process.env, HOOKWRIGHT_SECRET: secret } },
    );
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    const count = sent.stdout.split('\n').filter((l) => l.startsWith('200 ')).length;
    const rows = page.getByTestId('inbox-row');
    await until(async () => (await rows.count()) === count, `${count} deliveries in the Inbox`);
    assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, count);
    assert.equal(await page.locator('.inbox-table .badge.ok').count(), count, 'every one verified');
    // Open the first one that arrived (the list is newest first).
    await rows.last().getByRole('button').click();
    const detail = page.getByTestId('delivery-detail');
    assert.match(await detail.textContent(), /Verified: signature matches/);
    assert.match(await detail.textContent(), /x-yl-webhook-signature/);
    assert.match(await page.getByTestId('delivery-body').textContent(), /"EventCode": "LOA10055"/);
    assert.equal(await rows.last().locator('.event-code').textContent(), 'LOA10055');
    await screenshot(page, 'inbox');

    await page.getByRole('button', { name: 'Send all to Reconcile' }).click();
    await until(async () => /#reconcile$/.test(page.url()), 'the Reconcile view');
    await page.getByTestId('reconcile-results').waitFor({ timeout: 10_000 });
    // The same figures the simulator said reconciling must give.
    for (const [key, testid] of [['settlements', 'settlement-count'], ['repaidPayments', 'repaid'],
      ['manualPayments', 'manual'], ['duplicates', 'duplicates'], ['errors', 'error-count']]) {
      const want = sent.stdout.match(new RegExp(`${key}=(\\d+)`))[1];
      assert.match(await page.getByTestId(testid).textContent(), new RegExp(`\\b${want}\\b`), key);
    }
    await screenshot(page, 'inbox-reconciled');

    // A delivery's body as the sample context.
    await page.getByRole('button', { name: 'Inbox' }).click();
    await until(async () => (await rows.count()) === count, 'the Inbox again');
    await rows.first().getByRole('button').click();
    await page.getByRole('button', { name: 'Use as sample context' }).click();
    await ready(page);
    // The body is now the custom context the previews render against (saved a moment later).
    await until(
      async () => /LOA10040/.test((await page.evaluate(() => localStorage.getItem('hookwright.custom-context'))) ?? ''),
      'the custom context',
    );
    assert.equal(new URL(page.url()).hash, '');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await listener.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
