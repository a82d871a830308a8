/**
 * Remembers webhook ids that already passed verification, for as long as a
 * copy of that delivery could still pass the timestamp check. Together, the
 * window and the cache make a captured delivery worthless: inside the window
 * its id is known, outside it the timestamp is stale.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#verifying-signatures
 */

/** The one operation replay protection needs from a store. */
export interface ReplayCache {
  /**
   * Records `id` until `expiresAt` (Unix seconds, inclusive) and returns
   * true, or returns false when `id` is already recorded and unexpired.
   * Check-and-set must be atomic: two copies racing must not both win.
   */
  add(id: string, expiresAt: number): boolean;
  /** Forgets `id`, so a retry of a delivery we failed to hand off passes. */
  delete(id: string): void;
}

export interface MemoryReplayCacheOptions {
  /** Current Unix time in seconds; injected so tests control expiry. */
  now: () => number;
  /** Upper bound on remembered ids; size it for peak deliveries per window. */
  maxEntries?: number;
}

// #region replay
/**
 * A replay cache for a single process. With more than one instance, use a
 * shared store: Redis `SET webhook:<id> 1 NX EXAT <expiresAt>` is the same
 * atomic add, and a unique constraint on the id does it in a database.
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #expiry = new Map<string, number>();
  readonly #now: () => number;
  readonly #max: number;

  constructor({ now, maxEntries = 100_000 }: MemoryReplayCacheOptions) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#now = now;
    this.#max = maxEntries;
  }

  add(id: string, expiresAt: number): boolean {
    const now = this.#now();
    const known = this.#expiry.get(id);
    if (known !== undefined && known >= now) return false;
    this.#expiry.delete(id);
    this.#sweep(now);
    if (this.#expiry.size >= this.#max) {
      // Still full of live ids: drop the oldest. A replay of it inside the
      // window then reaches the handler, whose idempotency check is the
      // backstop; refusing new ids instead would drop real deliveries.
      const oldest = this.#expiry.keys().next();
      if (!oldest.done) this.#expiry.delete(oldest.value);
    }
    this.#expiry.set(id, expiresAt);
    return true;
  }

  delete(id: string): void {
    this.#expiry.delete(id);
  }

  /** How many ids are held, expired ones not yet swept included. */
  get size(): number {
    return this.#expiry.size;
  }

  // Ids arrive in roughly expiry order, so expired ones sit at the front.
  #sweep(now: number): void {
    for (const [id, expiresAt] of this.#expiry) {
      if (expiresAt >= now) break;
      this.#expiry.delete(id);
    }
  }
}
// #endregion replay
