/**
 * A token bucket: the classic rate limiter. The bucket holds up to
 * `limit` tokens and refills at `limit / windowSeconds` tokens per second;
 * each request takes one token or is refused. A full bucket lets a client
 * burst `limit` requests at once; after that it gets the refill rate.
 * The clock is injected (milliseconds), so tests control time exactly.
 */

/** What a limiter decided for one request; the HTTP layer reads this. */
export interface Decision {
  allowed: boolean;
  /** Whole requests the client could still make right now. */
  remaining: number;
  /** Milliseconds until the next request could be allowed (0 if now). */
  retryAfterMs: number;
}

/** `limit` requests per `windowSeconds`, with bursts of up to `limit`. */
export interface Policy {
  name: string;
  limit: number;
  windowSeconds: number;
}

/** Throws a RangeError naming the bad field; returns the policy. */
export function checkPolicy(policy: Policy): Policy {
  const { limit, windowSeconds } = policy;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  // The draft's "w" is whole seconds, at least 1.
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError(
      `windowSeconds must be a positive integer, got ${windowSeconds}`);
  }
  return policy;
}

// #region token-bucket
export class TokenBucket {
  // Integer arithmetic: one token is `#windowMs` units and each
  // millisecond adds `#capacity` units, so no float rounding creeps in.
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #units: number;
  #last: number;

  constructor(policy: Policy, now: () => number) {
    const { limit, windowSeconds } = checkPolicy(policy);
    this.#capacity = limit;
    this.#windowMs = windowSeconds * 1000;
    this.#now = () => Math.floor(now());
    this.#units = limit * this.#windowMs; // a new client may burst
    this.#last = this.#now();
  }

  take(cost = 1): Decision {
    if (!Number.isSafeInteger(cost) || cost < 1 || cost > this.#capacity) {
      throw new RangeError(`cost must be 1..${this.#capacity}, got ${cost}`);
    }
    const now = this.#now();
    // Refill for the time since the last call; a clock that steps back
    // (NTP) adds nothing rather than taking tokens away.
    const elapsed = Math.max(0, now - this.#last);
    this.#units = Math.min(this.#capacity * this.#windowMs,
      this.#units + elapsed * this.#capacity);
    this.#last = Math.max(now, this.#last);
    const allowed = this.#units >= cost * this.#windowMs;
    if (allowed) this.#units -= cost * this.#windowMs;
    return {
      allowed,
      remaining: Math.floor(this.#units / this.#windowMs),
      retryAfterMs: this.#waitFor(allowed ? 1 : cost),
    };
  }

  /** Milliseconds until the bucket holds `n` tokens. */
  #waitFor(n: number): number {
    const missing = n * this.#windowMs - this.#units;
    return missing <= 0 ? 0 : Math.ceil(missing / this.#capacity);
  }
}
// #endregion token-bucket

if (import.meta.main) {
  let now = 0;
  const bucket = new TokenBucket(
    { name: 'demo', limit: 3, windowSeconds: 3 }, () => now);
  for (const at of [0, 0, 0, 0, 500, 1000, 1000]) {
    now = at;
    const d = bucket.take();
    console.log(`t=${String(at).padStart(4)} ms  ` +
      `${d.allowed ? 'allowed' : 'refused'}  remaining=${d.remaining}  ` +
      `next in ${d.retryAfterMs} ms`);
  }
}
