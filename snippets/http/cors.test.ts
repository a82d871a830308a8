import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  corsCheck, corsMiddleware, preflightAllows, type CorsPolicy,
  type CorsRequest,
} from './cors.ts';

const APP = 'https://app.example.com';
const POLICY: CorsPolicy = {
  allowedOrigins: [APP, 'http://localhost:5173'],
  allowMethods: ['GET', 'PUT', 'DELETE'],
  allowHeaders: ['Content-Type', 'Authorization'],
  exposeHeaders: ['ETag'],
  credentials: true,
  maxAgeSeconds: 7200,
};

function api(policy: CorsPolicy = POLICY) {
  const calls: string[] = [];
  const app = new Hono();
  app.use('/api/*', corsMiddleware(policy));
  app.get('/api/me', (c) => { calls.push('GET'); return c.json({ id: 1 }); });
  app.put('/api/notes/7', (c) => {
    calls.push('PUT');
    c.header('ETag', '"v2"');
    return c.json({ id: 7 });
  });
  app.get('/api/boom', () => { calls.push('boom'); throw new Error('db down'); });
  app.onError((_, c) => c.json({ title: 'Internal Server Error' }, 500));
  return { app, calls };
}

const preflight = (app: Hono, origin: string, method = 'PUT',
  headers = 'content-type') => app.request('/api/notes/7', {
  method: 'OPTIONS',
  headers: {
    Origin: origin, 'Access-Control-Request-Method': method,
    ...(headers ? { 'Access-Control-Request-Headers': headers } : {}),
  },
});

const varies = (res: Response) => (res.headers.get('Vary') ?? '')
  .split(',').map((v) => v.trim().toLowerCase()).includes('origin');

describe('corsMiddleware: configuration', () => {
  it.each([
    ['*', /not allowed/],
    ['null', /not allowed/],
    ['https://app.example.com/', /must be written "https:\/\/app.example.com"/],
    ['https://APP.example.com', /must be written "https:\/\/app.example.com"/],
    ['https://app.example.com:443', /must be written "https:\/\/app.example.com"/],
    ['https://app.example.com/path', /must be written/],
    ['app.example.com', /not a URL/],
    ['ftp://files.example.com', /not http\(s\)/],
    // Browsers send an IDN host as punycode, so the list must too.
    ['https://bücher.example', /must be written "https:\/\/xn--bcher-kva.example"/],
  ])('refuses the origin entry %s', (entry, message) => {
    expect(() => corsMiddleware({ ...POLICY, allowedOrigins: [entry] }))
      .toThrow(message);
  });

  it('refuses an empty allow-list, header list or a bad token', () => {
    expect(() => corsMiddleware({ ...POLICY, allowedOrigins: [] }))
      .toThrow(/empty/);
    expect(() => corsMiddleware({ ...POLICY, allowHeaders: [] }))
      .toThrow(/list the request headers/);
    expect(() => corsMiddleware({ ...POLICY, allowMethods: ['PUT, X'] }))
      .toThrow(/not a method name/);
    expect(() => corsMiddleware({ ...POLICY, allowHeaders: ['X Bad'] }))
      .toThrow(/not a header name/);
  });

  it.each([-1, 1.5, 86_401, Number.NaN])('refuses maxAgeSeconds %s', (n) => {
    expect(() => corsMiddleware({ ...POLICY, maxAgeSeconds: n }))
      .toThrow(/maxAgeSeconds/);
  });
});

describe('corsMiddleware: preflight', () => {
  it('answers 204 with exact grants and never runs the handler', async () => {
    const { app, calls } = api();
    const res = await preflight(app, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(APP);
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(res.headers.get('Access-Control-Allow-Methods'))
      .toBe('GET,PUT,DELETE');
    expect(res.headers.get('Access-Control-Allow-Headers'))
      .toBe('Content-Type,Authorization');
    expect(res.headers.get('Access-Control-Max-Age')).toBe('7200');
    expect(varies(res)).toBe(true);
    expect(await res.text()).toBe('');
    expect(calls).toEqual([]);
    expect(preflightAllows({ origin: APP, credentials: 'include',
      method: 'PUT', headers: ['content-type'] }, res)).toBe(true);
  });

  it('defaults the preflight cache to 600 seconds', async () => {
    const { app } = api({ ...POLICY, maxAgeSeconds: undefined });
    const res = await preflight(app, APP);
    expect(res.headers.get('Access-Control-Max-Age')).toBe('600');
  });

  it.each([
    'https://app.example.com.evil.net', // suffix trick
    'https://evilapp.example.com', // another subdomain
    'https://app.example.co', // prefix of an allowed origin
    'http://app.example.com', // another scheme
    'https://app.example.com:8443', // another port
    'https://APP.example.com', // not how a browser serializes it
    'https://app.example.com.', // trailing dot: another origin
    'https://xn--pp-8ka.example.com', // a look-alike IDN host
    'https://app.example.com, https://evil.example', // a list
    'null', // sandboxed iframe, file: page, some redirects
    '', // empty header
  ])('grants nothing to origin "%s"', async (origin) => {
    const { app, calls } = api();
    const res = await preflight(app, origin);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(varies(res)).toBe(true);
    expect(preflightAllows({ origin, credentials: 'include', method: 'PUT',
      headers: ['content-type'] }, res)).toBe(false);
    expect(calls).toEqual([]);
  });

  it('does not cover a method or header it does not list', async () => {
    const { app } = api();
    const req = { origin: APP, credentials: 'include' as const };
    const patch = await preflight(app, APP, 'PATCH');
    expect(preflightAllows({ ...req, method: 'PATCH',
      headers: ['content-type'] }, patch)).toBe(false);
    const debug = await preflight(app, APP, 'PUT', 'content-type,x-debug');
    expect(preflightAllows({ ...req, method: 'PUT',
      headers: ['content-type', 'x-debug'] }, debug)).toBe(false);
  });
});

describe('corsMiddleware: actual requests', () => {
  it('lets the allowed origin read a credentialed response', async () => {
    const { app, calls } = api();
    const res = await app.request('/api/notes/7', {
      method: 'PUT', headers: { Origin: APP }, body: '{}' });
    expect(res.status).toBe(200);
    expect(corsCheck({ origin: APP, credentials: 'include' }, res.headers))
      .toBe(true);
    expect(res.headers.get('Access-Control-Expose-Headers')).toBe('ETag');
    expect(res.headers.get('ETag')).toBe('"v2"');
    expect(varies(res)).toBe(true);
    expect(calls).toEqual(['PUT']);
  });

  it('runs the handler for any origin: CORS only hides the response',
    async () => {
      const { app, calls } = api();
      const evil = 'https://evil.example';
      const res = await app.request('/api/me', { headers: { Origin: evil } });
      expect(res.status).toBe(200); // the server did the work
      expect(calls).toEqual(['GET']);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
      expect(corsCheck({ origin: evil, credentials: 'include' }, res.headers))
        .toBe(false); // the browser will not hand it to evil.example's script
    });

  it('sends Vary: Origin with or without an Origin, and on errors',
    async () => {
      const { app } = api();
      const plain = await app.request('/api/me');
      expect(varies(plain)).toBe(true);
      expect(plain.headers.get('Access-Control-Allow-Origin')).toBeNull();
      const failed = await app.request('/api/boom', { headers: { Origin: APP } });
      expect(failed.status).toBe(500);
      expect(varies(failed)).toBe(true);
      // So the page sees the 500 rather than an opaque CORS failure.
      expect(failed.headers.get('Access-Control-Allow-Origin')).toBe(APP);
    });

  it('never answers with the wildcard', async () => {
    const { app } = api({ ...POLICY, credentials: false });
    const res = await app.request('/api/me', { headers: { Origin: APP } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(APP);
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });
});

describe('corsCheck and preflightAllows follow the Fetch standard', () => {
  // The table in "CORS protocol and credentials", request to rabbit.invalid.
  const rabbit = 'https://rabbit.invalid';
  const omit: CorsRequest = { origin: rabbit, credentials: 'omit' };
  const include: CorsRequest = { origin: rabbit, credentials: 'include' };
  const h = (acao: string | null, acac?: string) => new Headers({
    ...(acao === null ? {} : { 'Access-Control-Allow-Origin': acao }),
    ...(acac === undefined ? {} : { 'Access-Control-Allow-Credentials': acac }),
  });

  it.each([
    [omit, h('*'), true],
    [omit, h('*', 'true'), true],
    [omit, h(`${rabbit}/`), false], // a serialized origin has no slash
    [omit, h(rabbit), true],
    [include, h('*', 'true'), false], // no wildcard with credentials
    [include, h(rabbit, 'true'), true],
    [include, h(rabbit, 'True'), false], // `true` is case-sensitive
    [include, h(rabbit), false], // credentials need the explicit opt-in
    [omit, h(null), false],
    [omit, h('null'), false], // null is not `null`
  ])('%o with %o -> %s', (req, headers, shared) => {
    expect(corsCheck(req, headers)).toBe(shared);
  });

  it('counts "*" in the allow lists only without credentials', () => {
    const res = () => new Response(null, { status: 204, headers: {
      'Access-Control-Allow-Origin': rabbit,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': '*',
      'Access-Control-Allow-Headers': '*',
    } });
    const ask = { method: 'PATCH', headers: ['x-trace'] };
    expect(preflightAllows({ ...omit, ...ask }, res())).toBe(true);
    expect(preflightAllows({ ...include, ...ask }, res())).toBe(false);
    // Authorization is never covered by "*".
    expect(preflightAllows({ ...omit, method: 'GET',
      headers: ['authorization'] }, res())).toBe(false);
  });

  it('fails a preflight whose status is not ok', () => {
    const res = new Response(null, { status: 403, headers: {
      'Access-Control-Allow-Origin': rabbit } });
    expect(preflightAllows({ ...omit, method: 'GET', headers: [] }, res))
      .toBe(false);
  });
});
