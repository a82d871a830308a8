import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { rateLimit, rateLimitFields } from './rate-limit-headers.ts';
import { TokenBucket } from './token-bucket.ts';

const policy = { name: 'default', limit: 2, windowSeconds: 10 };

function app() {
  const clock = { now: 0 };
  const bucket = new TokenBucket(policy, () => clock.now);
  let handled = 0;
  const a = new Hono();
  a.use('/orders', rateLimit(policy, () => bucket.take()));
  a.get('/orders', (c) => { handled++; return c.json([]); });
  return { clock, app: a, handled: () => handled };
}

describe('rateLimitFields', () => {
  it('writes the draft fields as structured fields', () => {
    expect(rateLimitFields(policy, { allowed: true, remaining: 1, retryAfterMs: 0 }))
      .toEqual({
        'RateLimit-Policy': '"default";q=2;w=10',
        'RateLimit': '"default";r=1',
      });
  });

  it('rounds the wait up to whole seconds, never down to an early retry', () => {
    const f = rateLimitFields(policy, { allowed: false, remaining: 0, retryAfterMs: 1001 });
    expect(f['RateLimit']).toBe('"default";r=0;t=2');
    expect(f['Retry-After']).toBe('2');
    // Retry-After never points earlier than t (draft -11 §6, "Server Behavior").
    const g = rateLimitFields(policy, { allowed: false, remaining: 0, retryAfterMs: 1 });
    expect(g['Retry-After']).toBe('1');
  });

  it('refuses a policy name that would break the field', () => {
    for (const name of ['a"b', 'a;q=999', 'x\r\nSet-Cookie: s=1', '', '1abc']) {
      expect(() => rateLimitFields({ ...policy, name },
        { allowed: true, remaining: 0, retryAfterMs: 0 })).toThrow(/bad policy name/);
    }
  });
});

describe('rateLimit middleware', () => {
  it('passes requests under the limit and labels them', async () => {
    const { app: a } = app();
    const res = await a.request('/orders');
    expect(res.status).toBe(200);
    expect(res.headers.get('RateLimit')).toBe('"default";r=1');
    expect(res.headers.get('RateLimit-Policy')).toBe('"default";q=2;w=10');
    expect(res.headers.get('Retry-After')).toBeNull();
  });

  it('answers 429 with Retry-After and a problem body, without running the handler', async () => {
    const { app: a, handled } = app();
    await a.request('/orders');
    await a.request('/orders');
    const res = await a.request('/orders');
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(res.headers.get('RateLimit')).toBe('"default";r=0;t=5');
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      type: 'https://api.example.com/problems/rate-limited', status: 429,
    });
    expect(handled()).toBe(2);
  });

  it('lets the client back in exactly when Retry-After says', async () => {
    const { clock, app: a } = app();
    await a.request('/orders');
    await a.request('/orders');
    const refused = await a.request('/orders');
    clock.now = Number(refused.headers.get('Retry-After')) * 1000 - 1;
    expect((await a.request('/orders')).status).toBe(429);
    clock.now += 1;
    expect((await a.request('/orders')).status).toBe(200);
  });

  it('rejects a bad policy when the route is built, not on the first request', () => {
    expect(() => rateLimit({ ...policy, limit: 0 }, () => {
      throw new Error('never called');
    })).toThrow(/limit must be a positive integer/);
  });
});
