/**
 * Capped exponential backoff with full jitter, as the AWS Architecture Blog
 * ("Exponential Backoff And Jitter") and the AWS Builders' Library describe
 * it: the ceiling doubles with every retry up to a cap, and the wait is a
 * uniform random draw below that ceiling, so clients that failed together
 * do not retry together. Randomness is injected so tests are exact.
 * @see https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
import { mulberry32 as seededRandom } from '../db/seeded-random.ts';

export interface BackoffOptions {
  /** Ceiling of the first retry's wait, in ms. */
  baseMs: number;
  /** No wait is ever longer than this, in ms. */
  capMs: number;
  /** A number in [0, 1); Math.random by default, a fixed source in tests. */
  random?: () => number;
}

function check({ baseMs, capMs }: BackoffOptions) {
  if (!(Number.isFinite(baseMs) && baseMs > 0)) {
    throw new RangeError(`baseMs must be a positive number, got ${baseMs}`);
  }
  if (!(Number.isFinite(capMs) && capMs >= baseMs)) {
    throw new RangeError(`capMs must be at least baseMs, got ${capMs}`);
  }
}

// #region full-jitter
/** The largest wait before retry `n` (1, 2, …): base, 2×base, 4×base, … */
export function ceilingMs(n: number, { baseMs, capMs }: BackoffOptions) {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`retry number must be 1 or more, got ${n}`);
  }
  // 2 ** 1100 is Infinity, and min() turns that into the cap: no overflow.
  return Math.min(capMs, baseMs * 2 ** (n - 1));
}

/** Full jitter: wait a uniform random time in [0, ceiling). */
export function fullJitter(options: BackoffOptions): (n: number) => number {
  check(options);
  const random = options.random ?? Math.random;
  return (n) => {
    const r = random();
    if (!(r >= 0 && r < 1)) {
      throw new RangeError(`random() must return [0, 1), got ${r}`);
    }
    return Math.floor(r * ceilingMs(n, options));
  };
}
// #endregion full-jitter

/** Plain capped exponential backoff, no jitter: for comparison only. */
export function noJitter(options: BackoffOptions): (n: number) => number {
  check(options);
  return (n) => ceilingMs(n, options);
}

/**
 * A seeded generator so demos and tests get the same "random" numbers on
 * every run: Q57's mulberry32, under the name the reliability code uses.
 * Not for anything security-related.
 */
export { seededRandom };

if (import.meta.main) {
  const options = { baseMs: 100, capMs: 2_000 };
  const clients = [1, 2, 3].map((seed) =>
    fullJitter({ ...options, random: seededRandom(seed) }));
  const plain = noJitter(options);
  for (const n of [1, 2, 3, 4, 5, 6]) {
    const jittered = clients.map((backoff) => backoff(n));
    console.log(`retry ${n}: ceiling ${String(plain(n)).padStart(4)} ms;`
      + ` three clients wait ${jittered.join(', ')} ms`);
  }
}
