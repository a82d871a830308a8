/**
 * A shared cache in Redis for a hot endpoint: cache-aside with
 *  - TTL jitter, so keys written together do not expire together;
 *  - single-flight twice over: in process (single-flight.ts) and across
 *    instances (a lock: SET NX PX with a random token, released by a
 *    compare-and-delete script), so a miss costs one load, not one per
 *    request;
 *  - stale-while-revalidate: past its fresh time an entry is still served
 *    while one caller refreshes it in the background;
 *  - negative caching: "no such row" is remembered, briefly;
 *  - invalidation by versioned keys: a write bumps a version counter, so a
 *    reader that loaded the old row before the write stores it under a key
 *    nobody reads any more.
 * Freshness uses the app's clock (`now`); Redis expiry uses Redis's.
 * @see https://redis.io/docs/latest/develop/clients/patterns/distributed-locks/
 */
import { randomUUID } from 'node:crypto';
import { SingleFlight } from './single-flight.ts';

/** The commands the cache uses; a node-redis client has them. */
export interface CacheClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: {
    expiration: { type: 'PX'; value: number }; condition?: 'NX';
  }): Promise<string | null>;
  incr(key: string): Promise<number>;
  eval(script: string, o: { keys: string[]; arguments: string[] }):
    Promise<unknown>;
}

export interface HotCacheOptions {
  /** Key prefix, e.g. "product". */
  namespace: string;
  /** An entry is fresh for about this long (jittered), in ms. */
  ttlMs: number;
  /** After that, it is served stale for up to this long while refreshed. */
  staleMs: number;
  /** How long "not found" is remembered, in ms. */
  negativeTtlMs: number;
  /** TTL spread: 0.1 means ±10%. */
  jitter?: number;
  /** The lock's lease; longer than the slowest load. */
  lockMs?: number;
  /** How long a caller that lost the lock waits for the winner's value. */
  waitMs?: number;
  pollMs?: number;
  /** Larger values are served but not cached. */
  maxValueBytes?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told when a background refresh fails; the stale entry stays. */
  onRefreshError?: (error: unknown) => void;
}

export type ReadStatus = 'hit' | 'stale' | 'miss' | 'coalesced';
export interface Read<T> { value: T | undefined; status: ReadStatus }

/** Every instance waited waitMs and the lock holder had not finished. */
export class CacheBusyError extends Error {
  override name = 'CacheBusyError';
}

const NAME = /^[A-Za-z0-9_-]{1,128}$/; // no ":" so ids cannot forge keys

// #region jitter
/** A TTL spread uniformly over base × [1 − spread, 1 + spread). */
export function jitteredTtl(
  baseMs: number, spread: number, random: () => number,
): number {
  if (!Number.isSafeInteger(baseMs) || baseMs < 1) {
    throw new RangeError(`baseMs must be an integer >= 1: ${baseMs}`);
  }
  if (!(spread >= 0 && spread < 1)) {
    throw new RangeError(`spread must be in [0, 1): ${spread}`);
  }
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() gave ${r}`);
  return Math.max(1, Math.round(baseMs * (1 - spread + 2 * spread * r)));
}
// #endregion jitter

// #region lock
/** Deletes the lock only if it still holds our token. */
export const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

async function acquire(
  client: CacheClient, lockKey: string, token: string, leaseMs: number,
): Promise<boolean> {
  const ok = await client.set(lockKey, token,
    { expiration: { type: 'PX', value: leaseMs }, condition: 'NX' });
  return ok === 'OK';
}

async function release(
  client: CacheClient, lockKey: string, token: string,
): Promise<void> {
  // A plain DEL could delete the lock of whoever took it after ours
  // expired mid-load; the script checks the token and deletes atomically.
  await client.eval(RELEASE_LUA, { keys: [lockKey], arguments: [token] });
}
// #endregion lock

interface Entry<T> { value: T | undefined; freshUntil: number }

export class HotCache<T> {
  readonly #client: CacheClient;
  readonly #o: Required<HotCacheOptions>;
  readonly #flights = new SingleFlight<Read<T>>();
  readonly #refreshes = new Set<Promise<void>>();

  constructor(client: CacheClient, options: HotCacheOptions) {
    this.#client = client;
    this.#o = {
      jitter: 0.1, lockMs: 5_000, waitMs: 2_000, pollMs: 25,
      maxValueBytes: 256 * 1024, now: Date.now, random: Math.random,
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      onRefreshError: () => {},
      ...options,
    };
    if (!NAME.test(this.#o.namespace)) {
      throw new RangeError(`bad namespace: ${this.#o.namespace}`);
    }
    for (const name of ['ttlMs', 'staleMs', 'negativeTtlMs', 'lockMs',
      'waitMs', 'pollMs', 'maxValueBytes'] as const) {
      const value = this.#o[name];
      const min = name === 'staleMs' ? 0 : 1;
      if (!Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`${name} must be an integer >= ${min}: ${value}`);
      }
    }
    jitteredTtl(1, this.#o.jitter, () => 0); // validates the spread
  }

  // #region read
  /** Cache-aside read; `load` returns undefined for "no such row". */
  async read(id: string, load: () => Promise<T | undefined>) {
    checkId(id);
    // The version first: a read that starts after a write must not join
    // a load that began before it.
    const key = await this.#entryKey(id);
    // In process: concurrent reads of one key share one GET and one load.
    return this.#flights.do(key, async () => {
      const entry = this.#decode(await this.#client.get(key));
      if (entry && this.#o.now() < entry.freshUntil) {
        return { value: entry.value, status: 'hit' };
      }
      if (entry) { // stale: answer now, refresh behind the answer
        this.#refreshInBackground(key, load);
        return { value: entry.value, status: 'stale' };
      }
      return this.#fill(key, load);
    });
  }

  async #fill(key: string, load: () => Promise<T | undefined>) {
    const lockKey = `${key}:lock`;
    const token = randomUUID();
    for (let waited = 0; ; waited += this.#o.pollMs) {
      if (await acquire(this.#client, lockKey, token, this.#o.lockMs)) {
        try {
          // The last holder may have stored it just before we got the lock.
          const entry = this.#decode(await this.#client.get(key));
          if (entry) {
            return { value: entry.value, status: 'coalesced' } as const;
          }
          const value = await load();
          await this.#store(key, value);
          return { value, status: 'miss' } as const;
        } finally {
          await release(this.#client, lockKey, token);
        }
      }
      // Another instance is loading this key: wait for its value. If its
      // load fails, its lock goes and the next waiter takes over.
      if (waited >= this.#o.waitMs) {
        throw new CacheBusyError(`timed out waiting for ${key}`); // shed: 503
      }
      await this.#o.sleep(this.#o.pollMs);
      const entry = this.#decode(await this.#client.get(key));
      if (entry) return { value: entry.value, status: 'coalesced' } as const;
    }
  }
  // #endregion read

  #refreshInBackground(key: string, load: () => Promise<T | undefined>) {
    const refresh = (async () => {
      const token = randomUUID();
      const lockKey = `${key}:lock`;
      // Someone else holds the lock: they are refreshing it already.
      if (!(await acquire(this.#client, lockKey, token, this.#o.lockMs))) {
        return;
      }
      try {
        // Another refresh may have stored a fresh value before we got here.
        const entry = this.#decode(await this.#client.get(key));
        if (entry && this.#o.now() < entry.freshUntil) return;
        await this.#store(key, await load());
      } finally {
        await release(this.#client, lockKey, token);
      }
    })().catch((error: unknown) => { // stale-if-error: the entry stays
      try {
        this.#o.onRefreshError(error);
      } catch {} // a failing reporter must not become an unhandled rejection
    }).finally(() => this.#refreshes.delete(refresh));
    this.#refreshes.add(refresh);
  }

  /** Waits for background refreshes: for tests and graceful shutdown. */
  async settle(): Promise<void> {
    while (this.#refreshes.size > 0) await Promise.all(this.#refreshes);
  }

  // #region invalidate
  /** Call after the database write commits. */
  async invalidate(id: string): Promise<void> {
    checkId(id);
    // New readers build keys with the new version; an old value a slow
    // reader stores late lands under the old key, which no one reads.
    await this.#client.incr(this.#versionKey(id));
  }

  async #entryKey(id: string): Promise<string> {
    const version = (await this.#client.get(this.#versionKey(id))) ?? '0';
    return `${this.#o.namespace}:${id}:v${version}`;
  }

  #versionKey(id: string): string {
    return `${this.#o.namespace}:${id}:version`; // no TTL: must not vanish
  }
  // #endregion invalidate

  async #store(key: string, value: T | undefined): Promise<void> {
    const { now, random, jitter, ttlMs, staleMs, negativeTtlMs } = this.#o;
    const freshMs = value === undefined ? negativeTtlMs
      : jitteredTtl(ttlMs, jitter, random);
    const body = JSON.stringify({ v: value, f: now() + freshMs });
    if (Buffer.byteLength(body) > this.#o.maxValueBytes) return;
    const keepMs = value === undefined ? freshMs : freshMs + staleMs;
    await this.#client.set(key, body,
      { expiration: { type: 'PX', value: keepMs } });
  }

  #decode(raw: string | null): Entry<T> | undefined {
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as { v?: T; f?: unknown };
      if (typeof parsed.f !== 'number') return undefined;
      return { value: parsed.v, freshUntil: parsed.f };
    } catch {
      return undefined; // unreadable: treat as a miss and overwrite it
    }
  }
}

function checkId(id: string): void {
  if (!NAME.test(id)) throw new RangeError('id must match [A-Za-z0-9_-]{1,128}');
}
