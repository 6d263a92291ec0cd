// A small HTTP server for the request tests: binds 127.0.0.1, answers CORS
// preflights permissively, records every other request (method, URL, raw
// headers, body) and answers by path: /hang never answers, /xss answers HTML.
import { createServer } from 'node:http';
import { before, after } from 'node:test';

export async function startRecorder() {
  const received = [];
  const preflights = [];
  const hanging = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-expose-headers': '*',
      };
      if (req.method === 'OPTIONS') {
        preflights.push({ url: req.url, headers: req.headers });
        res.writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
          'access-control-max-age': '0',
        });
        res.end();
        return;
      }
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      received.push({ method: req.method, url: req.url, headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url.startsWith('/hang')) {
        hanging.add(res);
        return;
      }
      if (req.url.startsWith('/xss')) {
        res.writeHead(200, { ...cors, 'content-type': 'text/html' });
        res.end('<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script><b>bold?</b>');
        return;
      }
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'x-recorded': String(received.length) });
      res.end(JSON.stringify({ ok: true, received: received.length }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    preflights,
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}

/**
 * The recorder for one test file: started before the file's tests and
 * closed after them; the returned object gets `origin`, `received` and
 * `preflights` once it has started.
 */
export function recorderUnderTest() {
  const recorder = {};
  before(async () => {
    Object.assign(recorder, await startRecorder());
  });
  after(async () => {
    await recorder.close?.();
  });
  return recorder;
}
