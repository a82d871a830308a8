import { Hono } from 'hono';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { corsMiddleware } from '../../snippets/http/cors.ts';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

// Three loopback servers, so three origins (a port is part of an origin):
// the API, a page it allows and a page it does not. Chromium itself decides
// whether each page's script may read the API's answer.
// In order, in one worker: the tests read the API's log of handler runs.
test.describe.configure({ mode: 'default' });

let api: Server, allowed: Server, refused: Server;
let apiUrl = '', allowedUrl = '', refusedUrl = '';
const hits: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const html = (res: ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end('<!doctype html><title>caller</title><p>caller');
};

test.beforeAll(async () => {
  allowed = createServer((_, res) => html(res));
  refused = createServer((_, res) => html(res));
  allowedUrl = await listen(allowed);
  refusedUrl = await listen(refused);

  const app = new Hono();
  app.use('/api/*', corsMiddleware({
    allowedOrigins: [allowedUrl], allowMethods: ['GET', 'PUT'],
    allowHeaders: ['Content-Type'], credentials: true, maxAgeSeconds: 0,
  }));
  app.get('/api/secret', (c) => { hits.push('GET'); return c.json({ s: 42 }); });
  app.put('/api/secret', (c) => { hits.push('PUT'); return c.json({ ok: 1 }); });
  api = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') headers.set(k, v);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const answer = await app.fetch(new Request(`${apiUrl}${req.url}`, {
      method: req.method, headers,
      body: hasBody ? Buffer.concat(chunks) : undefined }));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  apiUrl = await listen(api);
});

test.afterAll(async () => {
  for (const s of [api, allowed, refused]) {
    await new Promise((resolve) => s.close(resolve));
  }
});

test.beforeEach(() => { hits.length = 0; });

/** What the page's own script gets from fetch(): the body or the error. */
interface Init {
  method?: string;
  credentials?: 'omit' | 'include';
  headers?: Record<string, string>;
  body?: string;
}
const call = (p: Page, url: string, init: Init = {}) => p.evaluate(
  async ([u, i]) => {
    try {
      const res = await fetch(u, i);
      return `${res.status} ${await res.text()}`;
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  }, [url, init] as const);

test('an allowed origin reads the credentialed response', async ({ page }) => {
  await page.goto(allowedUrl);
  const seen = await call(page, `${apiUrl}/api/secret`,
    { credentials: 'include' });
  expect(seen).toBe('200 {"s":42}');
  const put = await call(page, `${apiUrl}/api/secret`, { method: 'PUT',
    credentials: 'include', headers: { 'Content-Type': 'application/json' },
    body: '{}' });
  expect(put).toBe('200 {"ok":1}');
  expect(hits).toEqual(['GET', 'PUT']);
});

test('Chromium hides the response from an origin not on the list, ' +
  'though the server ran the simple request', async ({ page, consoleErrors }) => {
  await page.goto(refusedUrl);
  const seen = await call(page, `${apiUrl}/api/secret`,
    { credentials: 'include' });
  expect(seen).toBe('TypeError: Failed to fetch');
  expect(hits).toEqual(['GET']); // CORS is not access control
  expect(consoleErrors.join('\n')).toContain('blocked by CORS policy');
  consoleErrors.length = 0;
});

test('Chromium stops a preflighted PUT from that origin before the handler',
  async ({ page, consoleErrors }) => {
    await page.goto(refusedUrl);
    const seen = await call(page, `${apiUrl}/api/secret`, { method: 'PUT',
      headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(seen).toBe('TypeError: Failed to fetch');
    expect(hits).toEqual([]); // only the OPTIONS preflight arrived
    expect(consoleErrors.join('\n')).toContain('preflight');
    consoleErrors.length = 0;
  });
