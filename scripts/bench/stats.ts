/** Order statistics for the benchmark's samples. */

/** The value at percentile `p` (0–100), nearest rank; throws on no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples; measure at least once');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The middle sample; for an even count, the mean of the middle two. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples; measure at least once');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Spread {
  median: number;
  max: number;
}

export function spread(samples: readonly number[]): Spread {
  return { median: median(samples), max: Math.max(...samples) };
}

export interface Latency {
  median: number;
  p95: number;
}

export function latency(samples: readonly number[]): Latency {
  return { median: median(samples), p95: percentile(samples, 95) };
}

/** Ours ÷ peer, rounded to 2 places; below 1.0 means ours is smaller or faster. */
export function ratio(ours: number, peer: number): number | null {
  if (peer === 0) return ours === 0 ? 1 : null;
  return Math.round((ours / peer) * 100) / 100;
}

/**
 * Ours ÷ peer within each round, paired in order: the two builds of a round
 * ran a minute apart, so a slow stretch of the machine hits both. Unrounded.
 */
export function pairedRatios(ours: readonly number[], peer: readonly number[]): number[] {
  if (ours.length !== peer.length) throw new Error(`pairedRatios: ${ours.length} rounds of ours against ${peer.length} of the peer`);
  return ours.map((value, i) => value / peer[i]!);
}

/** Samples of several rounds as one set: each named list, concatenated in round order. */
export function concatSamples<T extends { [K in keyof T]: number[] }>(rounds: readonly T[]): T {
  const [first] = rounds;
  if (!first) throw new Error('concatSamples of no rounds; measure at least once');
  const keys = Object.keys(first) as (keyof T)[];
  return Object.fromEntries(keys.map((key) => [key, rounds.flatMap((round) => round[key])])) as T;
}
