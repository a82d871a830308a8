/**
 * A latency histogram in the style of HdrHistogram: log-linear buckets whose
 * width grows with the value, so every recorded value keeps a fixed number
 * of significant decimal digits whatever its magnitude, in a fixed amount of
 * memory. Percentiles are read from the counts (nearest rank), and two
 * histograms with the same precision merge by adding counts, which is how
 * per-instance or per-minute latencies become one distribution.
 * @see https://hdrhistogram.github.io/HdrHistogram/
 */

export interface HistogramOptions {
  /** Largest value that may be recorded, in the caller's unit (e.g. µs). */
  highest: number;
  /** Significant decimal digits kept, 1 to 5 as in HdrHistogram. */
  digits: number;
}

const MAX_ENTRIES = 1 << 22; // 4 Mi counts (32 MiB): a sane ceiling

// #region buckets
/**
 * Values below `sub` get a bucket each. Above it, each power-of-two range
 * is split into `half` equal buckets, so a bucket is never wider than
 * 1/half of the values in it: with 3 digits, half = 1024 and every value
 * is kept to within 0.1%.
 */
function layout(digits: number): { sub: number; half: number } {
  const sub = 2 ** Math.ceil(Math.log2(2 * 10 ** digits));
  return { sub, half: sub / 2 };
}

/** How many times the bucket width doubled before reaching `value`. */
function shiftOf(value: number, sub: number): number {
  let shift = 0;
  while (value / 2 ** shift >= sub) shift++;
  return shift;
}

function indexOf(value: number, sub: number, half: number): number {
  const shift = shiftOf(value, sub);
  return shift * half + Math.floor(value / 2 ** shift);
}

/** The range [low, high] of values that share bucket `index`. */
function rangeOf(index: number, half: number): [number, number] {
  const shift = Math.max(0, Math.floor(index / half) - 1);
  const low = (index - shift * half) * 2 ** shift;
  return [low, low + 2 ** shift - 1];
}
// #endregion buckets

export class LatencyHistogram {
  readonly highest: number;
  readonly digits: number;
  readonly #sub: number;
  readonly #half: number;
  readonly #counts: Float64Array;
  #total = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  constructor({ highest, digits }: HistogramOptions) {
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) {
      throw new RangeError(`digits must be an integer from 1 to 5, got ${digits}`);
    }
    if (!Number.isSafeInteger(highest) || highest < 1) {
      throw new RangeError(`highest must be a positive integer, got ${highest}`);
    }
    const { sub, half } = layout(digits);
    const length = indexOf(highest, sub, half) + 1;
    if (length > MAX_ENTRIES) {
      throw new RangeError(`highest ${highest} at ${digits} digits needs ` +
        `${length} counts; the limit is ${MAX_ENTRIES}`);
    }
    this.highest = highest;
    this.digits = digits;
    this.#sub = sub;
    this.#half = half;
    this.#counts = new Float64Array(length);
  }

  // #region record
  /** Records `value` (an integer in the histogram's unit) `count` times. */
  record(value: number, count = 1): void {
    if (!Number.isSafeInteger(value) || value < 0 || value > this.highest) {
      throw new RangeError(
        `value must be an integer from 0 to ${this.highest}, got ${value}`);
    }
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`count must be a positive integer, got ${count}`);
    }
    this.#counts[indexOf(value, this.#sub, this.#half)]! += count;
    this.#total += count;
    this.#sum += value * count;
    this.#min = Math.min(this.#min, value);
    this.#max = Math.max(this.#max, value);
  }

  /**
   * The nearest-rank percentile: the smallest recorded value that at least
   * `p`% of all values are less than or equal to, reported as the top of
   * its bucket (never above the largest value recorded). HdrHistogram's
   * getValueAtPercentile uses the same definition.
   */
  percentile(p: number): number {
    if (!Number.isFinite(p) || p < 0 || p > 100) {
      throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
    }
    if (this.#total === 0) throw new RangeError('no values recorded');
    if (p === 0) return this.#min;
    const rank = Math.max(1, ceilExact((p * this.#total) / 100));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(rangeOf(i, this.#half)[1], this.#max);
    }
    return this.#max; // unreachable: seen ends at #total >= rank
  }

  /** Adds another histogram's counts: the merged percentiles are exact. */
  merge(other: LatencyHistogram): void {
    if (other.digits !== this.digits) {
      throw new RangeError(`cannot merge ${other.digits}-digit counts into ` +
        `a ${this.digits}-digit histogram: bucket edges differ`);
    }
    if (other.count > 0 && other.max > this.highest) {
      throw new RangeError(`other holds ${other.max}, above highest ` +
        `${this.highest}`);
    }
    other.#counts.forEach((n, i) => { if (n > 0) this.#counts[i]! += n; });
    this.#total += other.#total;
    this.#sum += other.#sum;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }
  // #endregion record

  get count(): number { return this.#total; }
  get min(): number { return this.#total === 0 ? 0 : this.#min; }
  get max(): number { return this.#max; }
  /** The exact arithmetic mean of the recorded values. */
  get mean(): number { return this.#total === 0 ? 0 : this.#sum / this.#total; }

  /** The bucket that `value` falls in, as [lowest, highest] equivalent. */
  bucketOf(value: number): [number, number] {
    if (!Number.isSafeInteger(value) || value < 0 || value > this.highest) {
      throw new RangeError(
        `value must be an integer from 0 to ${this.highest}, got ${value}`);
    }
    return rangeOf(indexOf(value, this.#sub, this.#half), this.#half);
  }
}

/**
 * ceil() that ignores floating-point dust: 99.9 × 41,000 / 100 comes out
 * as 40959.00000000001. p × n / 100 is off by at most a few units in the
 * last place, so only a gap that small counts as dust; a wider tolerance
 * (say 1e-9 × x) would round a real 5,764,838.0025 down to 5,764,838.
 */
function ceilExact(x: number): number {
  const nearest = Math.round(x);
  const dust = 8 * Number.EPSILON * Math.max(1, x);
  return Math.abs(x - nearest) <= dust ? nearest : Math.ceil(x);
}

if (import.meta.main) {
  // #region averages-lie
  const ms = (v: number) => `${v.toLocaleString('en-US')} ms`;
  const one = new LatencyHistogram({ highest: 60_000, digits: 3 });
  one.record(20, 985); // 985 requests took 20 ms
  one.record(2_000, 15); // 15 hit a 2-second stall
  console.log(`1,000 requests: mean ${ms(one.mean)}, ` +
    `p50 ${ms(one.percentile(50))}, p99 ${ms(one.percentile(99))}`);

  // Two instances behind one load balancer: a busy healthy one, a slow one.
  const a = new LatencyHistogram({ highest: 60_000, digits: 3 });
  a.record(12, 9_900);
  a.record(40, 100);
  const b = new LatencyHistogram({ highest: 60_000, digits: 3 });
  b.record(900, 100);
  const averaged = (a.percentile(99) + b.percentile(99)) / 2;
  a.merge(b);
  console.log(`p99 of A and B averaged: ${ms(averaged)}; ` +
    `p99 of the merged counts: ${ms(a.percentile(99))}`);
  // #endregion averages-lie
}
