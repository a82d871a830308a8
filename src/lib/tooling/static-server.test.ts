import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { compressible, fileForPath, headersFor, parseHeadersFile, type Served, serve } from './static-server.ts';

const dist = mkdtempSync(join(tmpdir(), 'serve-'));
mkdirSync(join(dist, 'questions/etag'), { recursive: true });
writeFileSync(join(dist, 'questions/etag/index.html'), '<h1>ETag</h1>');
writeFileSync(join(dist, 'app.js'), '');
writeFileSync(join(dist, '404.html'), '<h1>Not found</h1>');
writeFileSync(join(dist, '_headers'), '# every page\n/*\n  X-Content-Type-Options: nosniff\n/_astro/*\n  Cache-Control: immutable\n');

describe('fileForPath', () => {
  it('serves files, and index.html for a folder', () => {
    expect(fileForPath(dist, '/app.js')).toBe(join(dist, 'app.js'));
    expect(fileForPath(dist, '/questions/etag/')).toBe(join(dist, 'questions/etag/index.html'));
  });

  it('finds nothing for a missing path or one that climbs out of the site', () => {
    expect(fileForPath(dist, '/nope/')).toBeUndefined();
    expect(fileForPath(dist, '/../../etc/passwd')).toBeUndefined();
    expect(fileForPath(dist, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
  });
});

describe('_headers', () => {
  const rules = parseHeadersFile('/*\n  A: 1\n/_astro/*\n  B: 2\n  C: x: y\n');

  it('gives a path the headers of every pattern it matches, in order', () => {
    expect(headersFor(rules, '/questions/etag/')).toEqual([['A', '1']]);
    expect(headersFor(rules, '/_astro/site.js')).toEqual([['A', '1'], ['B', '2'], ['C', 'x: y']]);
  });

  it('names the line of a header that has no path above it, or no colon', () => {
    expect(() => parseHeadersFile('  A: 1\n', 'dist/_headers')).toThrow('dist/_headers:1: expected an indented "Name: value" under a path');
    expect(() => parseHeadersFile('/*\n  nonsense\n')).toThrow('_headers:2:');
  });
});

describe('serve', () => {
  let site: Served;
  beforeAll(async () => {
    site = await serve(dist, { base: '/handbook/', headers: true });
  });
  afterAll(() => site.close());

  it('serves pages under the base with the _headers headers', async () => {
    const response = await fetch(`${site.origin}/handbook/questions/etag/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<h1>ETag</h1>');
  });

  it('answers a missing path, or one outside the base, with the 404 page', async () => {
    for (const path of ['/handbook/nope/', '/questions/etag/']) {
      const response = await fetch(`${site.origin}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('<h1>Not found</h1>');
    }
  });
});

describe('serve with compress', () => {
  let site: Served;
  beforeAll(async () => {
    site = await serve(dist, { compress: true });
  });
  afterAll(() => site.close());

  // node:http's client, not fetch: fetch decodes gzip itself and hides whether it was sent.
  const get = (path: string, acceptEncoding: string) =>
    new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(`${site.origin}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    });

  it('gzips HTML for a client that accepts gzip', async () => {
    const { encoding, body } = await get('/questions/etag/', 'gzip, deflate, br');
    expect(encoding).toBe('gzip');
    expect(gunzipSync(body).toString()).toBe('<h1>ETag</h1>');
  });

  it('sends HTML as it is to a client that does not', async () => {
    const { encoding, body } = await get('/questions/etag/', 'identity');
    expect(encoding).toBeUndefined();
    expect(body.toString()).toBe('<h1>ETag</h1>');
  });

  it('compresses text types only', () => {
    expect(['text/html; charset=utf-8', 'text/css; charset=utf-8', 'application/json', 'image/svg+xml'].map(compressible)).toEqual([true, true, true, true]);
    expect(['image/png', 'font/woff2', 'application/wasm', 'application/octet-stream'].map(compressible)).toEqual([false, false, false, false]);
  });
});
