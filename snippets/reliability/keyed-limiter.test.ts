import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientKey, KeyedLimiter } from './keyed-limiter.ts';
import { rateLimit } from './rate-limit-headers.ts';

const policy = { name: 'per-client', limit: 3, windowSeconds: 3 }; // 1/s

function limiter(maxKeys?: number) {
  const clock = { now: 1_700_000_000_000 };
  return { clock, limiter: new KeyedLimiter(policy,
    { now: () => clock.now, ...(maxKeys ? { maxKeys } : {}) }) };
}

describe('KeyedLimiter (GCRA)', () => {
  it('gives each key its own burst of `limit`', () => {
    const { limiter: l } = limiter();
    const a = [1, 2, 3, 4].map(() => l.take('a'));
    expect(a.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(a.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(l.take('b').allowed).toBe(true);
  });

  it('refills one request per interval, at the exact millisecond', () => {
    const { clock, limiter: l } = limiter();
    for (let i = 0; i < 3; i++) l.take('a');
    const refused = l.take('a');
    expect(refused.retryAfterMs).toBe(1000);
    clock.now += 999;
    expect(l.take('a')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.now += 1;
    expect(l.take('a').allowed).toBe(true);
    expect(l.take('a').allowed).toBe(false);
  });

  it('handles a rate that does not divide evenly (7 per 3 s)', () => {
    const clock = { now: 0 };
    const l = new KeyedLimiter({ name: 'odd', limit: 7, windowSeconds: 3 },
      { now: () => clock.now });
    for (let i = 0; i < 7; i++) expect(l.take('a').allowed).toBe(true);
    const refused = l.take('a');
    expect(refused.retryAfterMs).toBe(429); // ceil(3000 / 7)
    clock.now += 428;
    expect(l.take('a').allowed).toBe(false);
    clock.now += 1;
    expect(l.take('a').allowed).toBe(true);
  });

  it('refused requests do not push the wait further out', () => {
    const { clock, limiter: l } = limiter();
    for (let i = 0; i < 3; i++) l.take('a');
    for (let i = 0; i < 100; i++) l.take('a');
    clock.now += 1000;
    expect(l.take('a').allowed).toBe(true);
  });

  it('stays bounded when an attacker rotates keys, and keeps a busy client', () => {
    const { clock, limiter: l } = limiter(100);
    for (let i = 0; i < 3; i++) l.take('user:real');
    for (let i = 0; i < 10_000; i++) {
      l.take(`ip:198.51.${i >> 8}.${i & 255}`);
      if (i % 50 === 0) {
        clock.now += 1;
        l.take('user:real'); // the real client keeps coming back
      }
    }
    expect(l.size).toBeLessThanOrEqual(100);
    // The real client was never forgotten, so its limit still holds.
    expect(l.take('user:real').allowed).toBe(false);
  });

  it('rejects empty and oversized keys, and bad options', () => {
    const { limiter: l } = limiter();
    expect(() => l.take('')).toThrow(/key must be/);
    expect(() => l.take('x'.repeat(201))).toThrow(/key must be/);
    expect(() => new KeyedLimiter(policy, { now: () => 0, maxKeys: 0 }))
      .toThrow(/maxKeys/);
  });
});

describe('clientKey with the middleware', () => {
  type Env = { Bindings: { peer: string }; Variables: { userId?: string } };
  function app() {
    const clock = { now: 0 };
    const l = new KeyedLimiter({ ...policy, limit: 2, windowSeconds: 60 },
      { now: () => clock.now });
    const keyOf = clientKey({
      userId: (c) => c.get('userId'),
      peer: (c) => c.env.peer,
      proxies: ['10.0.0.0/8'],
    });
    const a = new Hono<Env>();
    a.use(async (c, next) => {
      const user = c.req.header('X-Test-User');
      if (user) c.set('userId', user);
      await next();
    });
    a.use(rateLimit({ name: 'per-client', limit: 2, windowSeconds: 60 },
      (c) => l.take(keyOf(c))));
    a.get('/', (c) => c.text('ok'));
    return async (headers: Record<string, string>, peer = '10.0.0.2') =>
      (await a.request('/', { headers }, { peer })).status;
  }

  it('a client cannot escape its limit by prepending fake addresses', async () => {
    const send = app();
    const xff = (s: string) => ({ 'X-Forwarded-For': s });
    expect(await send(xff('198.51.100.4'))).toBe(200);
    expect(await send(xff('198.51.100.4'))).toBe(200);
    expect(await send(xff('1.1.1.1, 198.51.100.4'))).toBe(429);
    expect(await send(xff('2.2.2.2, 198.51.100.4'))).toBe(429);
  });

  it('a direct client cannot pick its key with the header', async () => {
    const send = app();
    for (const fake of ['1.1.1.1', '2.2.2.2']) {
      expect(await send({ 'X-Forwarded-For': fake }, '203.0.113.7')).toBe(200);
    }
    expect(await send({ 'X-Forwarded-For': '3.3.3.3' }, '203.0.113.7')).toBe(429);
  });

  it('one IPv6 /64 shares a budget', async () => {
    const send = app();
    expect(await send({ 'X-Forwarded-For': '2001:db8:1:2::a' })).toBe(200);
    expect(await send({ 'X-Forwarded-For': '2001:db8:1:2::b' })).toBe(200);
    expect(await send({ 'X-Forwarded-For': '2001:DB8:1:2:0:0:0:c' })).toBe(429);
    expect(await send({ 'X-Forwarded-For': '2001:db8:1:3::a' })).toBe(200);
  });

  it('a signed-in user is limited by id, not by the shared office IP', async () => {
    const send = app();
    const office = { 'X-Forwarded-For': '198.51.100.4' };
    await send(office);
    await send(office);
    expect(await send(office)).toBe(429);
    expect(await send({ ...office, 'X-Test-User': 'u1' })).toBe(200);
    expect(await send({ ...office, 'X-Test-User': 'u2' })).toBe(200);
    expect(await send({ ...office, 'X-Test-User': 'u1' })).toBe(200);
    expect(await send({ ...office, 'X-Test-User': 'u1' })).toBe(429);
  });
});
