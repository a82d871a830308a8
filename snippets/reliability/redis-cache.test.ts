import { describe, expect, it, vi } from 'vitest';
import { redisSkipped, useRedis } from '../db/use-redis.ts';
import {
  CacheBusyError, HotCache, jitteredTtl, type CacheClient, type HotCacheOptions,
} from './redis-cache.ts';
import { seededRandom } from './backoff.ts';

interface Row { id: string; price: number }

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((done) => setImmediate(done));
async function until(condition: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 10_000; i++) {
    if (await condition()) return;
    await tick();
  }
  throw new Error('condition never held');
}

describe('jitteredTtl', () => {
  it('spreads TTLs evenly over base ±spread', () => {
    const random = seededRandom(42);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const ttl = jitteredTtl(60_000, 0.1, random);
      expect(ttl).toBeGreaterThanOrEqual(54_000);
      expect(ttl).toBeLessThanOrEqual(66_000);
      buckets[Math.min(9, Math.floor((ttl - 54_000) / 1_200))]! += 1;
    }
    // Uniform: about 1,000 a bucket (σ ≈ 30), none empty, none crowded.
    for (const count of buckets) {
      expect(count).toBeGreaterThan(880);
      expect(count).toBeLessThan(1_120);
    }
  });

  it('without jitter, keys written together expire together', () => {
    const ttls = new Set(Array.from({ length: 100 },
      () => jitteredTtl(60_000, 0, seededRandom(7))));
    expect([...ttls]).toEqual([60_000]);
  });

  it('maps the ends of random() to the ends of the range', () => {
    expect(jitteredTtl(1_000, 0.2, () => 0)).toBe(800);
    expect(jitteredTtl(1_000, 0.2, () => 0.999_999)).toBe(1_200);
    expect(jitteredTtl(1, 0.5, () => 0)).toBe(1); // never 0: PX 0 is an error
  });

  it.each([1, -0.1, Number.NaN, 2])('rejects spread %s', (spread) => {
    expect(() => jitteredTtl(1_000, spread, Math.random)).toThrow(RangeError);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects a base TTL of %s', (base) => {
      expect(() => jitteredTtl(base, 0.1, () => 0.5))
        .toThrow(/baseMs must be an integer >= 1/);
    });

  it.each([1, -0.5, Number.NaN])('rejects random() returning %s', (r) => {
    expect(() => jitteredTtl(1_000, 0.1, () => r)).toThrow(/random\(\) gave/);
  });
});

const BASE: HotCacheOptions = {
  namespace: 'product', ttlMs: 60_000, staleMs: 300_000, negativeTtlMs: 5_000,
};

describe('HotCache: bad configuration and input', () => {
  const client = {} as CacheClient; // never reached
  it.each<[Partial<HotCacheOptions>, RegExp]>([
    [{ namespace: 'a:b' }, /bad namespace/],
    [{ ttlMs: 0 }, /ttlMs must be an integer >= 1/],
    [{ staleMs: -1 }, /staleMs must be an integer >= 0/],
    [{ lockMs: 1.5 }, /lockMs must be/],
    [{ jitter: 1 }, /spread must be/],
  ])('rejects %o', (over, message) => {
    expect(() => new HotCache(client, { ...BASE, ...over })).toThrow(message);
  });

  it.each(['', 'a b', '1:version', '1:v0', 'x'.repeat(129)])(
    'rejects the id %j before touching Redis', async (id) => {
      const load = vi.fn();
      await expect(new HotCache(client, BASE).read(id, load))
        .rejects.toThrow(RangeError);
      await expect(new HotCache(client, BASE).invalidate(id))
        .rejects.toThrow(RangeError);
      expect(load).not.toHaveBeenCalled();
    });
});

describe.skipIf(redisSkipped)('HotCache on a real Redis', () => {
  const redis = useRedis();
  const clock = { now: 1_000_000 };
  const make = (client: CacheClient = redis.client(),
    over: Partial<HotCacheOptions> = {}) => new HotCache<Row>(client, {
    ...BASE, random: () => 0.5, sleep: tick, pollMs: 1, waitMs: 5_000,
    now: () => clock.now, ...over,
  });
  const row = (price: number): Row => ({ id: '1', price });

  it('misses once, then hits; the entry lives fresh + stale in Redis', async () => {
    const cache = make();
    const load = vi.fn(async () => row(10));
    expect(await cache.read('1', load)).toEqual({ value: row(10), status: 'miss' });
    expect(await cache.read('1', load)).toEqual({ value: row(10), status: 'hit' });
    expect(load).toHaveBeenCalledTimes(1);
    const pttl = await redis.client().pTTL('product:1:v0');
    expect(pttl).toBeGreaterThan(360_000 - 1_000);
    expect(pttl).toBeLessThanOrEqual(360_000);
  });

  it('jitters the fresh time of each entry it stores', async () => {
    const values = [0, 0.999];
    const cache = make(redis.client(), { random: () => values.shift()! });
    await cache.read('1', async () => row(1));
    await cache.read('2', async () => row(2));
    const a = await redis.client().pTTL('product:1:v0');
    const b = await redis.client().pTTL('product:2:v0');
    expect(a).toBeLessThanOrEqual(54_000 + 300_000);
    expect(b).toBeGreaterThan(65_000 + 300_000);
  });

  it('serves a stale entry at once and refreshes it behind the answer', async () => {
    const cache = make();
    await cache.read('1', async () => row(10));
    clock.now += 60_001; // past the fresh time, inside the stale window
    const db = deferred<Row>();
    const refresh = vi.fn(() => db.promise);
    // The answer does not wait for the slow refresh.
    expect(await cache.read('1', refresh)).toEqual({ value: row(10), status: 'stale' });
    await until(() => refresh.mock.calls.length === 1);
    db.resolve(row(12));
    await cache.settle();
    expect(await cache.read('1', refresh)).toEqual({ value: row(12), status: 'hit' });
  });

  it('keeps serving stale when the refresh fails, and reports it', async () => {
    const errors: unknown[] = [];
    const cache = make(redis.client(), { onRefreshError: (e) => errors.push(e) });
    await cache.read('1', async () => row(10));
    clock.now += 60_001;
    const failing = async (): Promise<Row> => { throw new Error('db down'); };
    expect((await cache.read('1', failing)).status).toBe('stale');
    await cache.settle();
    expect(errors).toHaveLength(1);
    expect(await cache.read('1', failing)).toEqual({ value: row(10), status: 'stale' });
    await cache.settle();
    expect(await redis.client().get('product:1:v0:lock')).toBeNull(); // released
  });

  it('a throwing onRefreshError does not turn into an unhandled rejection', async () => {
    const cache = make(redis.client(), {
      onRefreshError: () => { throw new Error('logger down'); },
    });
    await cache.read('1', async () => row(10));
    clock.now += 60_001;
    const failing = async (): Promise<Row> => { throw new Error('db down'); };
    expect((await cache.read('1', failing)).status).toBe('stale');
    await expect(cache.settle()).resolves.toBeUndefined();
  });

  it('remembers "not found" for negativeTtlMs, until an invalidation', async () => {
    const cache = make();
    const load = vi.fn(async (): Promise<Row | undefined> => undefined);
    expect(await cache.read('9', load)).toEqual({ value: undefined, status: 'miss' });
    expect(await cache.read('9', load)).toEqual({ value: undefined, status: 'hit' });
    expect(load).toHaveBeenCalledTimes(1);
    const pttl = await redis.client().pTTL('product:9:v0');
    expect(pttl).toBeLessThanOrEqual(5_000); // no stale window for misses
    await cache.invalidate('9'); // the row was created
    expect(await cache.read('9', async () => row(3)))
      .toEqual({ value: row(3), status: 'miss' });
  });

  it('across instances, one of them loads and the others wait for it', async () => {
    const waiting = new Set<number>(); // instances that lost the lock
    const instances = await Promise.all([0, 1, 2, 3, 4].map(async (i) =>
      make(await redis.server().client(),
        { sleep: async () => { waiting.add(i); await tick(); } })));
    const db = deferred<Row>();
    const load = vi.fn(() => db.promise);
    const reads = instances.map((cache) => cache.read('1', load));
    await until(() => load.mock.calls.length === 1 && waiting.size === 4);
    db.resolve(row(10));
    const results = await Promise.all(reads);
    expect(load).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.status).sort())
      .toEqual(['coalesced', 'coalesced', 'coalesced', 'coalesced', 'miss']);
    for (const r of results) expect(r.value).toEqual(row(10));
  });

  it('in one instance, concurrent reads share one entry GET and one load', async () => {
    const client = redis.client();
    const get = vi.spyOn(client, 'get');
    const cache = make(client);
    const load = vi.fn(async () => row(10));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cache.read('1', load)));
    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.status === 'miss')).toBe(true);
    // Each read looks up the version; the entry is read before and after
    // taking the lock, once for all 20, not 20 times.
    const entryGets = get.mock.calls.filter(([key]) => key === 'product:1:v0');
    expect(entryGets).toHaveLength(2);
    get.mockRestore();
  });

  it('a write during a slow load does not leave the old row cached', async () => {
    const db = { price: 10 };
    const cache = make();
    const gate = deferred<void>();
    let loaded = false;
    const slowLoad = async () => {
      const seen = row(db.price); // reads the old price ...
      loaded = true;
      await gate.promise; // ... and stalls before storing it
      return seen;
    };
    const slowRead = cache.read('1', slowLoad);
    await until(() => loaded);
    db.price = 12; // the write commits ...
    await cache.invalidate('1'); // ... then invalidates
    gate.resolve();
    expect((await slowRead).value).toEqual(row(10)); // this reader was early,
    const next = await make().read('1', async () => row(db.price));
    expect(next).toEqual({ value: row(12), status: 'miss' }); // the cache is not
  });

  it('a read that starts after an invalidation does not join a load from before it', async () => {
    const db = { price: 10 };
    const cache = make();
    const gate = deferred<void>();
    let loaded = false;
    const early = cache.read('1', async () => {
      const seen = row(db.price); // reads the old price, then stalls
      loaded = true;
      await gate.promise;
      return seen;
    });
    await until(() => loaded);
    db.price = 12;
    await cache.invalidate('1'); // the write is done before the next read
    const late = cache.read('1', async () => row(db.price)); // same instance
    gate.resolve();
    expect((await early).value).toEqual(row(10));
    expect((await late).value).toEqual(row(12));
  });

  it('is fresh until the last millisecond of its TTL, then stale', async () => {
    const cache = make(); // random 0.5: a TTL of exactly 60,000 ms
    await cache.read('1', async () => row(10));
    clock.now += 59_999;
    expect((await cache.read('1', async () => row(11))).status).toBe('hit');
    clock.now += 1;
    expect((await cache.read('1', async () => row(11))).status).toBe('stale');
    await cache.settle();
  });

  it('many stale reads start one refresh: the others find the lock taken', async () => {
    const raw = redis.client();
    let lockTries = 0;
    const client: CacheClient = {
      get: (key) => raw.get(key),
      incr: (key) => raw.incr(key),
      eval: (script, o) => raw.eval(script, o),
      set: async (key, value, o) => {
        const reply = await raw.set(key, value, o);
        if (o.condition === 'NX') lockTries++;
        return reply;
      },
    };
    const cache = make(client);
    await cache.read('1', async () => row(10));
    clock.now += 60_001;
    const db = deferred<Row>();
    const refresh = vi.fn(() => db.promise);
    for (let i = 0; i < 5; i++) {
      expect(await cache.read('1', refresh)).toEqual({ value: row(10), status: 'stale' });
    }
    await until(() => lockTries === 5); // every refresh tried the lock
    expect(refresh).toHaveBeenCalledTimes(1);
    db.resolve(row(12));
    await cache.settle();
    expect(await cache.read('1', refresh)).toEqual({ value: row(12), status: 'hit' });
  });

  it('a refresh that gets the lock after another one finished does not load again', async () => {
    const rawA = await redis.server().client();
    const gate = deferred<void>();
    let stalled = false;
    const clientA: CacheClient = { // A's refresh stalls before the lock
      get: (key) => rawA.get(key),
      incr: (key) => rawA.incr(key),
      eval: (script, o) => rawA.eval(script, o),
      set: async (key, value, o) => {
        if (o.condition === 'NX' && !stalled) {
          stalled = true;
          await gate.promise;
        }
        return rawA.set(key, value, o);
      },
    };
    const a = make(clientA);
    const b = make(await redis.server().client());
    await b.read('1', async () => row(10));
    clock.now += 60_001;
    const loadA = vi.fn(async () => row(99));
    expect((await a.read('1', loadA)).status).toBe('stale');
    await until(() => stalled);
    expect((await b.read('1', async () => row(12))).status).toBe('stale');
    await b.settle(); // B refreshed: the entry is fresh again
    gate.resolve();
    await a.settle();
    expect(loadA).not.toHaveBeenCalled();
    expect(await b.read('1', loadA)).toEqual({ value: row(12), status: 'hit' });
  });

  it('checks again after taking the lock, so a finished load is not repeated', async () => {
    const rawB = await redis.server().client();
    const gate = deferred<void>();
    let blocked = false;
    const clientB: CacheClient = { // B stalls just before it tries the lock
      get: (key) => rawB.get(key),
      incr: (key) => rawB.incr(key),
      eval: (script, o) => rawB.eval(script, o),
      set: async (key, value, o) => {
        blocked = true;
        await gate.promise;
        return rawB.set(key, value, o);
      },
    };
    const loadB = vi.fn(async () => row(99));
    const readB = make(clientB).read('1', loadB); // B saw a miss ...
    await until(() => blocked);
    await make().read('1', async () => row(10)); // ... A loads and stores
    gate.resolve();
    expect(await readB).toEqual({ value: row(10), status: 'coalesced' });
    expect(loadB).not.toHaveBeenCalled();
  });

  it('releases only its own lock, even after its lease ran out', async () => {
    const a = make(await redis.server().client());
    const b = make(await redis.server().client());
    const slowA = deferred<Row>();
    const slowB = deferred<Row>();
    const readA = a.read('1', () => slowA.promise);
    const lockKey = 'product:1:v0:lock';
    await until(async () => (await redis.client().get(lockKey)) !== null);
    const tokenA = await redis.client().get(lockKey);
    await redis.client().del(lockKey); // A's lease expires mid-load
    let bLoading = false;
    const readB = b.read('1', () => { bLoading = true; return slowB.promise; });
    await until(() => bLoading); // B holds its own lock and is loading
    const tokenB = await redis.client().get(lockKey);
    expect(tokenB).not.toBeNull();
    expect(tokenB).not.toBe(tokenA);
    slowA.resolve(row(10));
    await readA;
    expect(await redis.client().get(lockKey)).toBe(tokenB); // B's lock stays
    slowB.resolve(row(10));
    await readB;
    expect(await redis.client().get(lockKey)).toBeNull();
  });

  it('when the loader fails, the next waiter takes the lock and loads', async () => {
    const a = make(await redis.server().client());
    let bWaits = 0;
    const b = make(await redis.server().client(),
      { sleep: async () => { bWaits++; await tick(); } });
    const failing = deferred<Row>();
    const readA = a.read('1', () => failing.promise);
    await until(async () => (await redis.client().get('product:1:v0:lock')) !== null);
    const readB = b.read('1', async () => row(11));
    await until(() => bWaits > 0); // B lost the lock and is waiting
    failing.reject(new Error('db timeout'));
    await expect(readA).rejects.toThrow('db timeout');
    expect(await readB).toEqual({ value: row(11), status: 'miss' });
  });

  it('sheds the caller with CacheBusyError when the holder never finishes', async () => {
    await redis.client().set('product:1:v0:lock', 'someone-else', { PX: 60_000 });
    const cache = make(redis.client(), { waitMs: 5, pollMs: 1 });
    const load = vi.fn(async () => row(1));
    await expect(cache.read('1', load)).rejects.toThrow(CacheBusyError);
    expect(load).not.toHaveBeenCalled();
  });

  it('treats an unreadable entry as a miss and overwrites it', async () => {
    await redis.client().set('product:1:v0', 'not json{');
    const cache = make();
    expect(await cache.read('1', async () => row(5)))
      .toEqual({ value: row(5), status: 'miss' });
    expect(await cache.read('1', async () => row(6)))
      .toEqual({ value: row(5), status: 'hit' });
  });

  it('serves but does not cache a value over maxValueBytes', async () => {
    const cache = make(redis.client(), { maxValueBytes: 100 });
    const big = { id: '1', price: 1, blob: 'x'.repeat(200) } as Row;
    const load = vi.fn(async () => big);
    expect((await cache.read('1', load)).value).toEqual(big);
    expect((await cache.read('1', load)).status).toBe('miss');
    expect(load).toHaveBeenCalledTimes(2);
    expect(await redis.client().exists('product:1:v0')).toBe(0);
  });
});
