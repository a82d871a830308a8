import { Hono, type Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { isWellFormedRequestId, requestIds } from './request-id.ts';

describe('isWellFormedRequestId', () => {
  it.each([
    'edge-7f3a',
    '3f2504e0-4f89-41d3-9a0c-0305e82c3301', // UUID
    '01ARZ3NDEKTSV4RRFFQ69G5FAV', // ULID
    'Root=1-67891233-abcdef012345678912345678', // AWS X-Amzn-Trace-Id
    'x'.repeat(128),
  ])('accepts %s', (id) => {
    expect(isWellFormedRequestId(id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['10 KB', 'x'.repeat(10_240)],
    ['CR LF (a forged log line)', 'a\r\n{"level":"info"}'],
    ['a lone LF', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['a tab', 'a\tb'],
    ['non-ASCII letters', 'caf\u00e9'],
    ['a lookalike digit', '\u0661\u0662\u0663'],
    ['markup', '<script>'],
    ['a JSON breakout', 'id"}'],
    ['a space', 'a b'],
    ['a trailing newline', 'abc\n'],
  ])('rejects %s', (_, id) => {
    expect(isWellFormedRequestId(id)).toBe(false);
  });

  it('never sees CR or LF from the wire: Headers refuses them first', () => {
    expect(() => new Headers({ 'X-Request-Id': 'a\r\nb' })).toThrow(TypeError);
  });
});

describe('requestIds', () => {
  const EDGE = '10.0.0.5';
  const fromTrustedEdge = (c: Context) =>
    c.env?.incoming?.socket?.remoteAddress === EDGE;
  const via = (remoteAddress: string) =>
    ({ incoming: { socket: { remoteAddress } } });

  function app(options: Parameters<typeof requestIds>[0]) {
    const app = new Hono<{ Variables: RequestIdVariables }>();
    app.use(requestIds(options));
    app.get('/', (c) => c.text(c.var.requestId));
    return app;
  }

  async function idOf(res: Response) {
    const body = await res.text();
    expect(res.headers.get('X-Request-Id')).toBe(body);
    return body;
  }

  it('mints an id when none is sent', async () => {
    const res = await app({ newId: () => 'new-1' }).request('/');
    expect(await idOf(res)).toBe('new-1');
  });

  it('defaults to a random UUID', async () => {
    const res = await app({}).request('/');
    expect(await idOf(res)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("ignores a client's id when no edge is trusted", async () => {
    const res = await app({ newId: () => 'new-1' })
      .request('/', { headers: { 'X-Request-Id': 'chosen-by-client' } });
    expect(await idOf(res)).toBe('new-1');
  });

  it('keeps a well-formed id from the trusted edge only', async () => {
    const a = app({ newId: () => 'new-1', fromTrustedEdge });
    const headers = { 'X-Request-Id': 'lb-42' };
    expect(await idOf(await a.request('/', { headers }, via(EDGE))))
      .toBe('lb-42');
    expect(await idOf(await a.request('/', { headers }, via('198.51.100.7'))))
      .toBe('new-1');
  });

  it('mints a fresh id when the edge sends a malformed one', async () => {
    const a = app({ newId: () => 'new-1', fromTrustedEdge });
    for (const bad of ['x'.repeat(10_240), 'caf\u00e9', '', 'a b']) {
      const res = await a.request('/',
        { headers: { 'X-Request-Id': bad } }, via(EDGE));
      expect(await idOf(res)).toBe('new-1');
    }
  });
});
