/**
 * Remembers the ids of verified webhook deliveries for as long as a copy of
 * that delivery could still pass the timestamp check, and whether its event
 * has reached durable storage yet. Together, the window and the cache make a
 * captured delivery worthless: inside the window its id is known, outside it
 * the timestamp is stale.
 *
 * An id is "done" only once its event is stored. Marking it seen earlier
 * loses events: a copy acknowledged while the first hand-off is running ends
 * the sender's retries, and if that hand-off then fails, nothing has the
 * event.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#verifying-signatures
 */

/**
 * What `claim` found: `new` (the caller now owns the id and must call
 * `complete` or `release`), `in-flight` (another copy owns it and its
 * hand-off has not finished) or `done` (its event is durably stored).
 */
export type Claim = 'new' | 'in-flight' | 'done';

/** The operations replay protection needs from a store. */
export interface ReplayCache {
  /**
   * Claims `id` until `expiresAt` (Unix seconds, inclusive) when it is
   * unknown or expired, and says what it found. Check-and-set must be
   * atomic: two copies racing must not both get `new`.
   */
  claim(id: string, expiresAt: number): Claim | Promise<Claim>;
  /** The event is durably stored: later copies are duplicates. */
  complete(id: string): void | Promise<void>;
  /** The hand-off failed: forget the claim so the sender's retry gets in. */
  release(id: string): void | Promise<void>;
}

export interface MemoryReplayCacheOptions {
  /** Current Unix time in seconds; injected so tests control expiry. */
  now: () => number;
  /** Upper bound on remembered ids; size it for peak deliveries per window. */
  maxEntries?: number;
}

interface Entry {
  expiresAt: number;
  done: boolean;
}

// #region replay
/**
 * A replay cache for a single process. With more than one instance, use a
 * shared store. In Redis 7+: claim with `SET webhook:<id> in-flight NX GET
 * EXAT <expiresAt>` (nil means new), complete with `SET … done XX KEEPTTL`,
 * release with `DEL`.
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, Entry>();
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

  claim(id: string, expiresAt: number): Claim {
    const now = this.#now();
    const known = this.#entries.get(id);
    if (known !== undefined && known.expiresAt >= now) {
      return known.done ? 'done' : 'in-flight';
    }
    this.#entries.delete(id);
    this.#sweep(now);
    if (this.#entries.size >= this.#max) {
      // Still full of live ids: drop the oldest. A copy of it inside the
      // window is then stored twice, and the consumer's idempotency check
      // is the backstop; refusing new ids would drop real deliveries.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, { expiresAt, done: false });
    return 'new';
  }

  complete(id: string): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) entry.done = true;
  }

  release(id: string): void {
    // Never forget a stored event: that would let a copy be stored twice.
    if (this.#entries.get(id)?.done === false) this.#entries.delete(id);
  }

  /** How many ids are held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  // Ids arrive in roughly expiry order, so expired ones sit at the front.
  #sweep(now: number): void {
    for (const [id, { expiresAt }] of this.#entries) {
      if (expiresAt >= now) break;
      this.#entries.delete(id);
    }
  }
}
// #endregion replay
