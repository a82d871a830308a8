import { describe, expect, it } from 'vitest';
import { ceilingMs, fullJitter, noJitter, seededRandom } from './backoff.ts';

const options = { baseMs: 100, capMs: 1_000 };

describe('capped exponential ceiling', () => {
  it('doubles from the base for each retry, then stays at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => ceilingMs(n, options)))
      .toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('never overflows: a huge retry number is just the cap', () => {
    expect(ceilingMs(5_000, options)).toBe(1_000);
    expect(noJitter(options)(2_000)).toBe(1_000);
  });

  it('rejects retry numbers that are not positive integers', () => {
    for (const n of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => ceilingMs(n, options)).toThrow(/retry number must be 1 or more/);
    }
  });
});

describe('full jitter', () => {
  it('scales the ceiling by the injected random number', () => {
    const draws = [0, 0.5, 0.999_999];
    const backoff = fullJitter({ ...options, random: () => draws.shift()! });
    expect([backoff(1), backoff(2), backoff(5)]).toEqual([0, 100, 999]);
  });

  it('stays in [0, ceiling) for every retry and many draws', () => {
    const random = seededRandom(42);
    const backoff = fullJitter({ ...options, random });
    for (let n = 1; n <= 12; n++) {
      for (let i = 0; i < 200; i++) {
        const wait = backoff(n);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceilingMs(n, options));
      }
    }
  });

  it('spreads clients that failed at the same moment', () => {
    const waits = Array.from({ length: 50 }, (_, seed) =>
      fullJitter({ ...options, random: seededRandom(seed) })(4));
    // Without jitter all 50 would retry at exactly 800 ms.
    expect(new Set(waits).size).toBeGreaterThan(40);
    expect(Math.min(...waits)).toBeLessThan(200);
    expect(Math.max(...waits)).toBeGreaterThan(600);
  });

  it('refuses a random source outside [0, 1)', () => {
    for (const bad of [1, -0.1, Number.NaN, 7]) {
      const backoff = fullJitter({ ...options, random: () => bad });
      expect(() => backoff(1)).toThrow(/random\(\) must return \[0, 1\)/);
    }
  });

  it('rejects a bad base or cap up front', () => {
    expect(() => fullJitter({ baseMs: 0, capMs: 10 })).toThrow(/baseMs/);
    expect(() => fullJitter({ baseMs: Number.NaN, capMs: 10 })).toThrow(/baseMs/);
    expect(() => fullJitter({ baseMs: 100, capMs: 50 })).toThrow(/capMs/);
    expect(() => noJitter({ baseMs: 100, capMs: Infinity })).toThrow(/capMs/);
  });
});

describe('seeded random', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = seededRandom(1), b = seededRandom(1), c = seededRandom(2);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(c()).not.toBe(first[0]);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });
});
