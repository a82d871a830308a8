import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  checkSecret, MemoryNonceStore, requireSignature, signRequest,
  verifyRequest, type NonceStore, type Signed,
} from './request-signing.ts';

const T = 1_764_669_600;
const OLD = new Uint8Array(32).fill(1);
const NEW = new Uint8Array(32).fill(2);
const KEYS = new Map([['k_old', OLD], ['k_new', NEW]]);
const URL_ = 'http://localhost/v1/orders?b=2&a=1';
const BODY = '{"sku":"A-1","qty":2}';
let n = 0;
const nonce = () => `nonce-${String(++n).padStart(12, '0')}`;

const sign = (over: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ method: 'POST', url: URL_, body: BODY, keyId: 'k_new',
    secret: NEW, now: T, nonce: nonce(), ...over });

const verify = (headers: Headers, over: {
  method?: string; target?: string; body?: string; now?: number;
} = {}) => verifyRequest({ method: over.method ?? 'POST', headers,
  target: over.target ?? '/v1/orders?b=2&a=1', body: over.body ?? BODY },
{ keys: KEYS, now: () => over.now ?? T });

const reason = (r: ReturnType<typeof verify>) => (r.ok ? 'ok' : r.reason);

describe('signRequest and verifyRequest', () => {
  it('accepts an untouched request and says until when it is fresh', () => {
    const r = verify(sign());
    expect(r).toMatchObject({ ok: true, keyId: 'k_new', freshUntil: T + 300 });
  });

  it('accepts the same query in another order', () => {
    expect(reason(verify(sign(), { target: '/v1/orders?a=1&b=2' })))
      .toBe('ok');
  });

  it.each([
    ['method', { method: 'PUT' }],
    ['path', { target: '/v1/orderz?b=2&a=1' }],
    ['query value', { target: '/v1/orders?b=2&a=9' }],
    ['extra parameter', { target: '/v1/orders?b=2&a=1&admin=1' }],
    ['body', { body: BODY.replace('2', '200') }],
    ['body whitespace', { body: `${BODY} ` }],
  ])('rejects a tampered %s', (_, over) => {
    expect(reason(verify(sign(), over))).toBe('bad-signature');
  });

  it('rejects tampered signed headers and a wrong key', () => {
    const edits: [string, string][] = [['host', 'evil.example'],
      ['x-nonce', 'another-nonce-0001'], ['x-timestamp', String(T - 1)]];
    for (const [name, value] of edits) {
      const h = sign();
      h.set(name, value);
      expect(reason(verify(h))).toBe('bad-signature');
    }
    const swapped = sign({ secret: OLD }); // signed with k_old, claims k_new
    expect(reason(verify(swapped))).toBe('bad-signature');
  });

  it('covers an extra header only when the policy lists it', () => {
    const signed = ['host', 'content-type', 'x-key-id', 'x-nonce',
      'x-timestamp'];
    const h = sign({ headers: { 'Content-Type': 'application/json' },
      signedHeaders: signed });
    h.set('content-type', 'application/x-www-form-urlencoded');
    const r = verifyRequest({ method: 'POST', headers: h, body: BODY,
      target: '/v1/orders?b=2&a=1' },
    { keys: KEYS, now: () => T, signedHeaders: signed });
    expect(reason(r)).toBe('bad-signature');
  });

  it('accepts the previous key during a rotation, not after it', () => {
    const h = sign({ keyId: 'k_old', secret: OLD });
    expect(reason(verify(h))).toBe('ok');
    const after = verifyRequest({ method: 'POST', headers: h, body: BODY,
      target: '/v1/orders?b=2&a=1' },
    { keys: new Map([['k_new', NEW]]), now: () => T });
    expect(reason(after)).toBe('unknown-key');
  });

  it.each([
    [T - 300, 'ok'], [T - 301, 'stale'], [T + 300, 'ok'], [T + 301, 'future'],
  ])('applies the skew window both ways: signed at %s -> %s', (at, want) => {
    expect(reason(verify(sign({ now: at })))).toBe(want);
  });

  it.each([
    ['x-signature', '', 'missing-header'],
    ['x-signature', 'ab'.repeat(31), 'malformed'], // 31 bytes
    ['x-signature', 'AB'.repeat(32), 'malformed'], // not lower hex
    ['x-timestamp', '17e8', 'malformed'],
    ['x-timestamp', '-5', 'malformed'],
    ['x-nonce', 'short', 'malformed'],
    ['x-nonce', 'x'.repeat(129), 'malformed'],
    ['x-key-id', 'k new', 'malformed'],
    ['x-key-id', 'k_unknown', 'unknown-key'],
  ])('turns a hostile %s "%s" into %s, never an exception',
    (name, value, want) => {
      const h = sign();
      if (value === '') h.delete(name);
      else h.set(name, value);
      expect(reason(verify(h))).toBe(want);
    });

  it('turns a path with no canonical form into "malformed"', () => {
    expect(reason(verify(sign(), { target: '/v1/%E0%A4%A' })))
      .toBe('malformed');
  });

  it('refuses short secrets when signing and at startup', () => {
    expect(() => sign({ secret: new Uint8Array(31) })).toThrow(/32\+/);
    expect(() => checkSecret('x'.repeat(40) as unknown as Uint8Array))
      .toThrow(RangeError);
    expect(() => requireSignature({ keys: new Map([['k', new Uint8Array(8)]]),
      now: () => T, nonces: { add: () => true } })).toThrow(/32\+/);
  });
});

/** An app behind the guard; `ran` counts the handler's runs. */
function app(nonces: NonceStore, now = () => T) {
  const log: unknown[][] = [];
  const ran: string[] = [];
  const a = new Hono<Signed>();
  a.use('/v1/*', ...requireSignature({ keys: KEYS, now, nonces,
    maxBodyBytes: 64, onReject: (...args) => log.push(args) }));
  a.onError((_, c) => c.json({ status: 500 }, 500));
  a.post('/v1/orders', (c) => {
    ran.push(c.get('keyId'));
    return c.json({ ok: true }, 201);
  });
  const send = (headers: Headers, body = BODY, target = '/v1/orders?b=2&a=1') =>
    a.request(target, { method: 'POST', headers, body });
  return { send, ran, log };
}

const memory = () => new MemoryNonceStore({ now: () => T });

describe('requireSignature', () => {
  it('runs the handler once for a signed request and refuses its replay',
    async () => {
      const { send, ran, log } = app(memory());
      const h = sign();
      expect((await send(h)).status).toBe(201);
      const replay = await send(h);
      expect(replay.status).toBe(403);
      expect(ran).toEqual(['k_new']);
      expect(log).toEqual([['replay', 'k_new']]);
    });

  it('answers every failure alike and logs only the reason', async () => {
    const { send, log } = app(memory());
    const tampered = await send(sign(), BODY.replace('A-1', 'B-2'));
    const stale = await send(sign({ now: T - 301 }));
    expect([tampered.status, stale.status]).toEqual([403, 403]);
    const bodies = [await tampered.json(), await stale.json()];
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]).toMatchObject({ status: 403,
      detail: 'The request signature was not accepted.' });
    expect(log).toEqual([['bad-signature', null], ['stale', null]]);
    expect(JSON.stringify([bodies, log])).not.toMatch(/0101|0202|nonce-/);
  });

  it('answers 400 to unsigned requests and 413 to oversized ones',
    async () => {
      const { send, ran } = app(memory());
      expect((await send(new Headers())).status).toBe(400);
      const big = 'x'.repeat(65);
      expect((await send(sign({ body: big }), big)).status).toBe(413);
      expect(ran).toEqual([]);
    });

  it('lets exactly one of two identical requests in at the same time',
    async () => {
      // A shared store answers after a round trip. Hold the first request
      // there, after its nonce is recorded, while the copy arrives.
      const stored = new Set<string>();
      let release = () => {};
      let entered = () => {};
      const reached = new Promise<void>((r) => { entered = r; });
      const slow: NonceStore = {
        async add(key) {
          const fresh = !stored.has(key);
          stored.add(key);
          if (stored.size === 1 && fresh) {
            await new Promise<void>((r) => { release = r; entered(); });
          }
          return fresh;
        },
      };
      const { send, ran } = app(slow);
      const h = sign();
      const first = send(h);
      await reached; // the first is inside add(), nonce recorded
      const second = await send(new Headers(h));
      expect(second.status).toBe(403);
      expect(ran).toEqual([]); // the first has not been acknowledged yet
      release();
      expect((await first).status).toBe(201);
      expect(ran).toEqual(['k_new']);
    });

  it('does nothing when the nonce store fails', async () => {
    const down: NonceStore = { add: () => Promise.reject(new Error('down')) };
    const { send, ran } = app(down);
    expect((await send(sign())).status).toBe(500);
    expect(ran).toEqual([]);
  });

  it('refuses a signed request whose repeated parameters were reordered',
    async () => {
      const seen: (string | undefined)[] = [];
      const a = new Hono<Signed>();
      a.use('/v1/*', ...requireSignature({ keys: KEYS, now: () => T,
        nonces: memory() }));
      a.post('/v1/refunds', (c) => {
        seen.push(c.req.query('to')); // the first value, as most parsers do
        return c.body(null, 201);
      });
      const url = 'http://localhost/v1/refunds?to=alice&to=mallory';
      const h = sign({ url });
      const swapped = await a.request('/v1/refunds?to=mallory&to=alice',
        { method: 'POST', headers: h, body: BODY });
      expect(swapped.status).toBe(403);
      expect(seen).toEqual([]);
    });

  it('does not release a nonce when the handler fails', async () => {
    const a = new Hono<Signed>();
    let fail = true;
    a.use('/v1/*', ...requireSignature({ keys: KEYS, now: () => T,
      nonces: memory() }));
    a.onError((_, c) => c.json({ status: 500 }, 500));
    a.post('/v1/orders', (c) => {
      if (fail) throw new Error('db down');
      return c.body(null, 201);
    });
    const h = sign();
    const send = () => a.request('/v1/orders?b=2&a=1',
      { method: 'POST', headers: new Headers(h), body: BODY });
    expect((await send()).status).toBe(500);
    fail = false;
    expect((await send()).status).toBe(403); // a copy, not a retry
  });

  it('keeps refusing a replay while other keys flood the nonce store',
    async () => {
      // Any key holder (another tenant) can send as many signed requests
      // as it likes. Filling the store must not reopen a live nonce.
      let now = T;
      const store = new MemoryNonceStore({ now: () => now, maxEntries: 3 });
      const { send, ran } = app(store, () => now);
      const victim = sign();
      expect((await send(victim)).status).toBe(201);
      const flood = [];
      for (let i = 0; i < 3; i++) {
        flood.push((await send(sign({ keyId: 'k_old', secret: OLD }))).status);
      }
      expect(flood).toEqual([201, 201, 500]); // full: refused, not evicted
      expect((await send(new Headers(victim))).status).toBe(403);
      expect(ran).toEqual(['k_new', 'k_old', 'k_old']);
      now = T + 301; // every stored timestamp is stale: room again
      expect((await send(sign({ now }))).status).toBe(201);
    });

  it('makes room only with nonces whose timestamps are stale', async () => {
    let now = T;
    const store = new MemoryNonceStore({ now: () => now, maxEntries: 1 });
    const { send } = app(store, () => now);
    const victim = sign();
    expect((await send(victim)).status).toBe(201);
    now = T + 300; // the victim's copy still verifies this second
    expect((await send(sign({ now }))).status).toBe(500); // no room yet
    expect((await send(new Headers(victim))).status).toBe(403);
  });

  it('refuses a nonce store without room', () => {
    for (const maxEntries of [0, 1.5, Number.NaN]) {
      expect(() => new MemoryNonceStore({ now: () => T, maxEntries }))
        .toThrow(/maxEntries/);
    }
  });

  it('keeps refusing a replayed nonce until its timestamp is stale',
    async () => {
      let now = T;
      const store = new MemoryNonceStore({ now: () => now });
      const { send } = app(store, () => now);
      const h = sign();
      expect((await send(h)).status).toBe(201);
      now = T + 300; // last second the copy could verify
      expect((await send(new Headers(h))).status).toBe(403);
      now = T + 301; // the window refuses it now, the cache may forget
      const late = await send(new Headers(h));
      expect(late.status).toBe(403);
    });
});
