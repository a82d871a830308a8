import { describe, expect, it } from 'vitest';
import { int, mulberry32, pick } from './seeded-random.ts';

/** Tommy Ettinger's C reference, in unsigned 32-bit BigInt arithmetic. */
function reference(seed: number, n: number): number[] {
  const M = 0xffff_ffffn;
  let x = BigInt(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x + 0x6d2b79f5n) & M;
    let z = x;
    z = ((z ^ (z >> 15n)) * (z | 1n)) & M;
    z = (z ^ ((z + (((z ^ (z >> 7n)) * (z | 61n)) & M)) & M)) & M;
    out.push(Number(z ^ (z >> 14n)) / 2 ** 32);
  }
  return out;
}

describe('mulberry32', () => {
  it('matches the C reference for several seeds, including 0 and 2^32 - 1', () => {
    for (const seed of [0, 1, 42, 0x7fff_ffff, 0xffff_ffff]) {
      const random = mulberry32(seed);
      expect(Array.from({ length: 1000 }, () => random())).toEqual(reference(seed, 1000));
    }
  });

  it('repeats its sequence for a seed, and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const [sa, sb, sc] = [a, b, c].map((r) => Array.from({ length: 50 }, () => r()));
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('stays in [0, 1) and spreads evenly over ten buckets', () => {
    const random = mulberry32(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = random();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]!++;
    }
    expect(outside).toBe(0);
    // Chi-square with 9 degrees of freedom: 27.88 is the 0.1% critical value.
    const chi = buckets.reduce((s, n) => s + (n - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(27.88);
  });

  it('refuses seeds that are not 32-bit unsigned integers', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => mulberry32(bad)).toThrow(RangeError);
    }
  });
});

describe('int and pick', () => {
  it('reach both ends of the range and nothing outside it', () => {
    const random = mulberry32(1);
    const seen = new Set(Array.from({ length: 1000 }, () => int(random, 1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(int(() => 0, 5, 9)).toBe(5);
    expect(int(() => 0.999_999_999, 5, 9)).toBe(9);
    expect(int(random, 3, 3)).toBe(3);
  });

  it('refuse bad ranges and empty lists', () => {
    const random = mulberry32(1);
    expect(() => int(random, 2, 1)).toThrow(RangeError);
    expect(() => int(random, 0.5, 2)).toThrow(RangeError);
    expect(() => int(random, 0, 2 ** 53)).toThrow(RangeError);
    expect(() => pick(random, [])).toThrow(/cannot pick/);
    expect(pick(() => 0.99, ['a', 'b', 'c'])).toBe('c');
  });
});
