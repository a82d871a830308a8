import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RedisClient } from '../db/redis-server.ts';
import { redisSkipped, useRedis } from '../db/use-redis.ts';
import { KeyedLimiter } from './keyed-limiter.ts';
import {
  HybridLimiter, RedisLimiter, regionalPolicies, TOKEN_BUCKET_LUA,
} from './redis-limiter.ts';
import type { Decision, Policy } from './token-bucket.ts';

// 20 per hour: one token every 180 s, so nothing refills during a test.
const slow: Policy = { name: 'api', limit: 20, windowSeconds: 3600 };

/**
 * What people write without a script: read, decide in the client, write.
 * Kept here to prove the concurrency test can catch it.
 */
async function getThenSet(client: RedisClient, key: string): Promise<boolean> {
  const left = Number((await client.get(key)) ?? slow.limit);
  if (left < 1) return false;
  await client.set(key, String(left - 1));
  return true;
}

/** `clients` connections, each sending `each` requests, all at once. */
async function hammer(clients: RedisClient[], each: number,
  take: (client: RedisClient) => Promise<boolean>): Promise<number> {
  const results = await Promise.all(clients.flatMap((client) =>
    Array.from({ length: each }, () => take(client))));
  return results.filter(Boolean).length;
}

describe.skipIf(redisSkipped)('RedisLimiter on a real Redis', () => {
  const redis = useRedis();
  let clients: RedisClient[] = [];
  const many = async (n: number) => {
    clients = await Promise.all(
      Array.from({ length: n }, () => redis.server().client()));
    return clients;
  };
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });

  it('allows a burst of exactly `limit`, then refuses with a wait', async () => {
    const limiter = new RedisLimiter(redis.client(), slow);
    const decisions: Decision[] = [];
    for (let i = 0; i < 21; i++) decisions.push(await limiter.take('u1'));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect(decisions[19]).toMatchObject({ allowed: true, remaining: 0 });
    const refused = decisions[20]!;
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(179_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(180_000);
    expect((await limiter.take('u2')).allowed).toBe(true); // own bucket
  });

  it('50 clients x 4 requests at once never get more than the budget', async () => {
    const conns = await many(50);
    const allowed = await hammer(conns, 4, async (client) =>
      (await new RedisLimiter(client, slow).take('shared')).allowed);
    expect(allowed).toBe(20);
  });

  it('the same hammer catches a GET-then-SET limiter over-admitting', async () => {
    const conns = await many(50);
    const allowed = await hammer(conns, 4, (c) => getThenSet(c, 'naive'));
    expect(allowed).toBeGreaterThan(20);
  });

  it('refills by the time elapsed between calls', async () => {
    const limiter = new RedisLimiter(redis.client(), slow);
    for (let i = 0; i < 20; i++) await limiter.take('u1');
    expect((await limiter.take('u1')).allowed).toBe(false);
    // Move the stored timestamp back 180 s: the same as waiting 180 s.
    const key = 'rl:api:{u1}';
    const at = Number(await redis.client().hGet(key, 'at'));
    await redis.client().hSet(key, 'at', String(at - 180_000));
    expect(await limiter.take('u1')).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.take('u1')).allowed).toBe(false);
  });

  it('ignores the app server clock: one running an hour fast refills nothing', async () => {
    const limiter = new RedisLimiter(redis.client(), slow);
    for (let i = 0; i < 20; i++) await limiter.take('u1');
    // Only Date is faked: a script fed Date.now() would see 3600 s pass.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      expect((await limiter.take('u1')).allowed).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never refills past `limit`, however long the key was idle', async () => {
    const limiter = new RedisLimiter(redis.client(), slow);
    await limiter.take('u1');
    const key = 'rl:api:{u1}';
    const at = Number(await redis.client().hGet(key, 'at'));
    await redis.client().hSet(key, 'at', String(at - 86_400_000)); // a day
    let allowed = 0;
    for (let i = 0; i < 25; i++) if ((await limiter.take('u1')).allowed) allowed++;
    expect(allowed).toBe(20);
  });

  it('sets a TTL so idle buckets disappear once full again', async () => {
    const limiter = new RedisLimiter(redis.client(), slow);
    await limiter.take('u1');
    const ttl = await redis.client().pTTL('rl:api:{u1}');
    expect(ttl).toBeGreaterThan(179_000);
    expect(ttl).toBeLessThanOrEqual(180_000);
  });

  it('falls back to EVAL when the script cache was flushed', async () => {
    const limiter = new RedisLimiter(redis.client(), slow);
    await limiter.take('u1');
    await redis.client().scriptFlush();
    const sha = (await redis.client().scriptLoad('return 1')).length;
    expect(sha).toBe(40);
    await redis.client().scriptFlush();
    expect(await limiter.take('u1')).toMatchObject({ allowed: true, remaining: 18 });
    // EVAL cached it again: the next call is an EVALSHA hit.
    const [cached] = await redis.client().scriptExists(
      (await import('node:crypto')).createHash('sha1')
        .update(TOKEN_BUCKET_LUA).digest('hex'));
    expect(cached).toBeTruthy();
  });

  it('rethrows errors that are not NOSCRIPT', async () => {
    const broken = {
      evalSha: () => Promise.reject(new Error('READONLY You can\'t write')),
      eval: () => Promise.reject(new Error('never called')),
    };
    await expect(new RedisLimiter(broken, slow).take('u1'))
      .rejects.toThrow(/READONLY/);
  });

  it('keeps a hostile key inside its own hash slot and bucket', async () => {
    const limiter = new RedisLimiter(redis.client(), { ...slow, limit: 1 });
    expect((await limiter.take('a} {b')).allowed).toBe(true);
    expect((await limiter.take('a} {b')).allowed).toBe(false);
    expect((await limiter.take('b')).allowed).toBe(true);
  });
});

describe('RedisLimiter input checks', () => {
  const client = { evalSha: vi.fn(), eval: vi.fn() };
  it('refuses bad costs and oversized policies before calling Redis', async () => {
    const limiter = new RedisLimiter(client, slow);
    await expect(limiter.take('k', 0)).rejects.toThrow(/cost must be 1..20/);
    await expect(limiter.take('k', 21)).rejects.toThrow(RangeError);
    expect(() => new RedisLimiter(client, { name: 'x', limit: 2 ** 40, windowSeconds: 3600 }))
      .toThrow(/too large/);
    expect(client.evalSha).not.toHaveBeenCalled();
  });
});

describe('HybridLimiter', () => {
  afterEach(() => { vi.useRealTimers(); });
  const allow: Decision = { allowed: true, remaining: 5, retryAfterMs: 0 };
  const refuse: Decision = { allowed: false, remaining: 0, retryAfterMs: 900 };
  const local = () => new KeyedLimiter(
    { name: 'local', limit: 2, windowSeconds: 60 }, { now: () => 0 });

  it('the global decision wins while Redis answers', async () => {
    const hybrid = new HybridLimiter(local(),
      { take: async () => refuse }, { timeoutMs: 50 });
    expect(await hybrid.take('k')).toEqual(refuse);
  });

  it('refuses locally without asking Redis once the local share is spent', async () => {
    const global = { take: vi.fn(async () => allow) };
    const hybrid = new HybridLimiter(local(), global, { timeoutMs: 50 });
    await hybrid.take('k');
    await hybrid.take('k');
    expect((await hybrid.take('k')).allowed).toBe(false);
    expect(global.take).toHaveBeenCalledTimes(2);
  });

  it('decides locally, and says so, when Redis fails', async () => {
    const degraded: unknown[] = [];
    const hybrid = new HybridLimiter(local(),
      { take: () => Promise.reject(new Error('ECONNREFUSED')) },
      { timeoutMs: 50, onDegraded: (e) => degraded.push(e) });
    expect((await hybrid.take('k')).allowed).toBe(true);
    expect((await hybrid.take('k')).allowed).toBe(true);
    expect((await hybrid.take('k')).allowed).toBe(false); // still limited
    expect(degraded).toHaveLength(2);
  });

  it('does not wait longer than timeoutMs for a hung Redis', async () => {
    vi.useFakeTimers();
    const hybrid = new HybridLimiter(local(),
      { take: () => new Promise<Decision>(() => {}) }, { timeoutMs: 50 });
    const pending = hybrid.take('k');
    await vi.advanceTimersByTimeAsync(50);
    expect((await pending).allowed).toBe(true);
  });

  it('rejects a zero or missing timeout', () => {
    expect(() => new HybridLimiter(local(), { take: async () => allow },
      { timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('regionalPolicies', () => {
  const global: Policy = { name: 'api', limit: 1000, windowSeconds: 60 };

  it('splits by weight and never exceeds the global budget', () => {
    const p = regionalPolicies(global, { us: 5, eu: 3, ap: 2 });
    expect(Object.fromEntries(Object.entries(p).map(([r, x]) => [r, x.limit])))
      .toEqual({ us: 499, eu: 300, ap: 200 });
    expect(p.eu).toMatchObject({ name: 'api-eu', windowSeconds: 60 });
  });

  it('gives a tiny region at least 1 and still stays within budget', () => {
    const p = regionalPolicies({ ...global, limit: 3 }, { a: 100, b: 1, c: 1 });
    const sum = Object.values(p).reduce((s, x) => s + x.limit, 0);
    expect(sum).toBeLessThanOrEqual(3);
    expect(Object.values(p).every((x) => x.limit >= 1)).toBe(true);
  });

  it.each([
    [{}], [{ us: 0 }], [{ us: -1 }], [{ us: Number.NaN }], [{ us: Infinity }],
  ])('rejects shares %o', (shares) => {
    expect(() => regionalPolicies(global, shares)).toThrow(/shares/);
  });

  it('rejects more regions than requests', () => {
    expect(() => regionalPolicies({ ...global, limit: 1 }, { a: 1, b: 1 }))
      .toThrow(/more regions/);
  });
});
