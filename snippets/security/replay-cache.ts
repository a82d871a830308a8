/**
 * Remembers the ids of verified webhook deliveries for as long as a copy of
 * any delivery seen with that id could still pass the timestamp check, and
 * whether its event has reached durable storage yet. Together, the window and
 * the cache make a captured delivery worthless: inside the window its id is
 * known, outside it the timestamp is stale. A sender's retry keeps the id but
 * is signed with a new timestamp, so each copy pushes the memory back.
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
   * Claims `id` when it is unknown, forgotten or its claim has lapsed, and
   * says what it found. `freshUntil` (Unix seconds, inclusive) is the last
   * second this copy could pass verification: a claim lapses then, and the
   * id is remembered at least that long. Check-and-set must be atomic: two
   * copies racing must not both get `new`.
   */
  claim(id: string, freshUntil: number): Claim | Promise<Claim>;
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
  done: boolean;
  /** While in flight: the claim lapses after this second. */
  claimUntil: number;
  /** The last second at which any copy seen so far could still pass. */
  freshUntil: number;
}

// #region replay
/**
 * A replay cache for a single process. With more than one instance, the
 * same three steps must be atomic in a shared store (in Redis, a short Lua
 * script each) or, better, one insert into the table that stores events.
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

  claim(id: string, freshUntil: number): Claim {
    const now = this.#now();
    const known = this.#entries.get(id);
    // Every copy pushes back when the id may be forgotten: a captured
    // retry stays refused after the first copy goes stale.
    const latest = Math.max(freshUntil, known?.freshUntil ?? 0);
    this.#entries.delete(id); // (re)inserted last: the map stays in order
    if (known !== undefined && live(known, now)) {
      this.#entries.set(id, { ...known, freshUntil: latest });
      return known.done ? 'done' : 'in-flight';
    }
    // Unknown, forgotten, or claimed by a copy that never settled: its
    // claim lapsed with that copy's window, so this copy takes over.
    this.#sweep(now);
    if (this.#entries.size >= this.#max) {
      // Still full of live ids: drop the oldest. A copy of it inside the
      // window is then stored twice, and the consumer's idempotency check
      // is the backstop; refusing new ids would drop real deliveries.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id,
      { done: false, claimUntil: freshUntil, freshUntil: latest });
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
    for (const [id, entry] of this.#entries) {
      if (live(entry, now)) break;
      this.#entries.delete(id);
    }
  }
}

/**
 * A stored id lives as long as its freshest copy; a claim only as long as
 * the copy that made it, so refused copies cannot keep it in flight.
 */
function live(entry: Entry, now: number): boolean {
  return (entry.done ? entry.freshUntil : entry.claimUntil) >= now;
}
// #endregion replay
