/**
 * A seeded pseudo-random generator for fake data: the same seed gives the
 * same sequence on every machine and every run, which `Math.random()`
 * cannot promise (it takes no seed). Not cryptographic: its 32-bit state
 * can be recovered from its output, so never use it for tokens, ids an
 * attacker must not guess, or passwords (use node:crypto for those).
 */

export type Random = () => number;

// #region prng
/** mulberry32: 32 bits of state, a number in [0, 1) per call. */
export function mulberry32(seed: number): Random {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32): ${seed}`);
  }
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** An integer in [min, max], both ends included. */
export function int(random: Random, min: number, max: number): number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)
    || min > max) {
    throw new RangeError(`need integers min <= max: ${min}, ${max}`);
  }
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('cannot pick from []');
  return items[int(random, 0, items.length - 1)]!;
}
// #endregion prng

if (import.meta.main) {
  for (const seed of [42, 42, 7]) {
    const random = mulberry32(seed);
    const rolls = Array.from({ length: 8 }, () => int(random, 1, 6));
    console.log(`seed ${seed}: ${rolls.join(' ')}`);
  }
}
