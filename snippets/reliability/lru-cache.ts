/**
 * An in-process cache with the two limits every cache needs: a TTL, so an
 * entry cannot be stale for longer than you chose, and a size bound with
 * least-recently-used eviction, so memory cannot grow without limit.
 * The clock is passed in, so tests move time instead of sleeping.
 */

export interface LruOptions {
  /** Most entries held; the least recently used goes first. */
  maxEntries: number;
  /** How long an entry may be served after it was stored, in ms. */
  ttlMs: number;
  /** Milliseconds since some epoch; `Date.now` in production. */
  now?: () => number;
}

// #region lru
export class LruCache<V> {
  // A Map iterates in insertion order: the first key is the least recently
  // used, as long as every read re-inserts the key it touched.
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor({ maxEntries, ttlMs, now = Date.now }: LruOptions) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be an integer >= 1: ${maxEntries}`);
    }
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
      throw new RangeError(`ttlMs must be an integer >= 1: ${ttlMs}`);
    }
    this.#max = maxEntries;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (this.#now() >= entry.expiresAt) return undefined; // expired: drop
    this.#entries.set(key, entry); // now the most recently used
    return entry.value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
// #endregion lru
