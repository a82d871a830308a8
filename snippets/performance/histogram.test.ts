import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';

const hist = (digits = 3, highest = 3_600_000_000) =>
  new LatencyHistogram({ highest, digits });

/** A small deterministic generator (LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('bucket layout', () => {
  it('keeps every value exact below 2 × 10^digits (rounded up to 2^k)', () => {
    const h = hist(3);
    for (const v of [0, 1, 999, 1000, 2000, 2047]) {
      expect(h.bucketOf(v)).toEqual([v, v]);
    }
    expect(h.bucketOf(2048)).toEqual([2048, 2049]);
  });

  it('tiles the whole range with no gaps or overlaps', () => {
    const h = hist(3);
    let next = 0;
    let buckets = 0;
    const bad: number[] = [];
    while (next <= h.highest) {
      const [low, high] = h.bucketOf(next);
      if (low !== next || high < low) bad.push(next);
      next = high + 1;
      buckets++;
    }
    expect(bad).toEqual([]);
    // 1 µs to 1 hour at 3 digits: 23,221 counts, 8 bytes each, about the
    // 185 KB HdrHistogram quotes for the same range and precision.
    expect(buckets).toBe(23_221);
  });

  it.each([1, 2, 3, 4, 5])('bounds the relative error to 10^-%i', (digits) => {
    const h = hist(digits, 2 ** 40);
    const random = lcg(digits);
    for (let i = 0; i < 2_000; i++) {
      const v = Math.floor(2 ** (random() * 40));
      const [low, high] = h.bucketOf(v);
      expect(low).toBeLessThanOrEqual(v);
      expect(high).toBeGreaterThanOrEqual(v);
      expect(high - low).toBeLessThanOrEqual(v * 10 ** -digits);
    }
  });
});

describe('percentile (nearest rank)', () => {
  it('picks the value at rank ceil(p/100 × n)', () => {
    const h = hist();
    for (let v = 10; v <= 100; v += 10) h.record(v);
    expect(h.percentile(25)).toBe(30); // rank 3 (2.5 rounded up)
    expect(h.percentile(50)).toBe(50); // rank 5
    expect(h.percentile(90)).toBe(90); // rank 9
    expect(h.percentile(91)).toBe(100); // rank 10 (9.1 rounded up)
    expect(h.percentile(100)).toBe(100);
    expect(h.percentile(0)).toBe(10);
    expect(h.percentile(1e-9)).toBe(10);
  });

  it('is not pushed up a rank by floating-point dust', () => {
    const thousand = hist();
    for (let v = 1; v <= 1000; v++) thousand.record(v);
    expect(thousand.percentile(99.9)).toBe(999);
    // 99.9 × 41,000 / 100 is 40959.00000000001 in floating point: a plain
    // ceil() would report rank 40,960.
    const many = hist(5); // exact up to 262,143
    for (let v = 1; v <= 41_000; v++) many.record(v);
    expect(many.percentile(99.9)).toBe(40_959);
    expect(many.percentile(50)).toBe(20_500);
  });

  it('reports the top of the bucket, never above the largest value', () => {
    const h = hist(3);
    h.record(4097); // bucket [4096, 4099]
    expect(h.percentile(50)).toBe(4097);
    h.record(4098);
    const p50 = h.percentile(50);
    expect(p50).toBeGreaterThanOrEqual(4097);
    expect(p50).toBeLessThanOrEqual(4097 * 1.001);
    h.record(9_000);
    expect(h.percentile(0)).toBe(4097); // the exact minimum, not 4099
  });

  it('computes the exact nearest rank for large counts and fine percentiles', () => {
    // Two values, 1 and 2, split so that the answer flips exactly at the
    // rank: ceil(p/100 × n) computed in integers is the reference.
    const random = lcg(2026);
    const wrong: string[] = [];
    for (let trial = 0; trial < 2_000; trial++) {
      const n = 1 + Math.floor(random() * 10_000_000);
      const k = 1 + Math.floor(random() * 100_000); // p = k / 1000
      const p = k / 1000;
      const rank = Number((BigInt(k) * BigInt(n) + 99_999n) / 100_000n);
      const below = hist(1, 10); // rank - 1 ones, then twos: p is a 2
      if (rank > 1) below.record(1, rank - 1);
      below.record(2, n - rank + 1);
      const at = hist(1, 10); // rank ones: p is still a 1
      at.record(1, rank);
      if (n > rank) at.record(2, n - rank);
      if (below.percentile(p) !== 2 || at.percentile(p) !== 1) {
        wrong.push(`p${p} of ${n}: rank ${rank}`);
      }
    }
    expect(wrong).toEqual([]);
    // A day at scale: 10 billion requests, p50.000000003 is rank 5e9 + 1.
    const day = hist(1, 10);
    day.record(1, 5_000_000_000);
    day.record(2, 5_000_000_000);
    expect(day.percentile(50.000000003)).toBe(2);
  });

  it('stays within the precision of the exact percentile', () => {
    const h = hist(2);
    const values: number[] = [];
    const random = lcg(7);
    for (let i = 0; i < 5_000; i++) {
      const v = Math.floor(1_000 * Math.exp(random() * 8)); // 1 ms to 3 s
      values.push(v);
      h.record(v);
    }
    values.sort((x, y) => x - y);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
      const got = h.percentile(p);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got).toBeLessThanOrEqual(exact * 1.01);
    }
  });
});

describe('averages and merging', () => {
  it('shows a mean that describes no request at all', () => {
    const h = hist();
    h.record(20, 985);
    h.record(2_000, 15);
    expect(h.mean).toBeCloseTo(49.7, 10);
    expect(h.percentile(50)).toBe(20);
    expect(h.percentile(99)).toBe(2_000);
    expect([h.count, h.min, h.max]).toEqual([1_000, 20, 2_000]);
  });

  it('merges counts, where averaging two p99s gives a number nobody saw', () => {
    const a = hist();
    a.record(12, 9_900);
    a.record(40, 100);
    const b = hist();
    b.record(900, 100);
    expect((a.percentile(99) + b.percentile(99)) / 2).toBe(456);
    a.merge(b);
    expect(a.count).toBe(10_100);
    expect(a.percentile(99)).toBe(40); // rank 9,999 of 10,100
    expect(a.percentile(99.5)).toBe(900);
    expect(a.max).toBe(900);
  });

  it('gives the same percentiles as recording everything in one', () => {
    const random = lcg(42);
    const whole = hist(3);
    const parts = [hist(3), hist(3), hist(3)];
    for (let i = 0; i < 3_000; i++) {
      const v = Math.floor(500 * Math.exp(random() * 9));
      whole.record(v);
      parts[i % 3]!.record(v);
    }
    const merged = hist(3);
    for (const part of parts) merged.merge(part);
    for (const p of [0, 10, 50, 90, 99, 99.9, 100]) {
      expect(merged.percentile(p)).toBe(whole.percentile(p));
    }
    expect(merged.mean).toBeCloseTo(whole.mean, 6);
  });

  it('refuses to merge histograms whose buckets do not line up', () => {
    const two = hist(2);
    two.record(5);
    expect(() => hist(3).merge(two)).toThrow(/bucket edges differ/);
    const big = hist(3, 10_000);
    big.record(9_000);
    expect(() => hist(3, 1_000).merge(big)).toThrow(/above highest 1000/);
    const empty = hist(3);
    empty.merge(hist(3));
    expect(empty.count).toBe(0);
  });
});

describe('bad input', () => {
  it('rejects impossible layouts', () => {
    for (const digits of [0, 6, 2.5, Number.NaN]) {
      expect(() => hist(digits)).toThrow(RangeError);
    }
    for (const highest of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => hist(3, highest)).toThrow(RangeError);
    }
    expect(() => hist(5, Number.MAX_SAFE_INTEGER)).toThrow(/the limit is/);
  });

  it('rejects values it cannot hold, with the range in the message', () => {
    const h = hist(3, 1_000);
    for (const v of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1_001]) {
      expect(() => h.record(v)).toThrow(/from 0 to 1000/);
      expect(() => h.bucketOf(v)).toThrow(/from 0 to 1000/);
    }
    expect(() => h.record(5, 0)).toThrow(/count/);
    expect(() => h.record(5, 2.5)).toThrow(/count/);
    expect(h.count).toBe(0);
  });

  it('has no percentiles before anything is recorded', () => {
    const h = hist();
    expect(() => h.percentile(50)).toThrow(/no values recorded/);
    h.record(1);
    for (const p of [-1, 100.1, Number.NaN]) {
      expect(() => h.percentile(p)).toThrow(/from 0 to 100/);
    }
    expect([hist().min, hist().max, hist().mean]).toEqual([0, 0, 0]);
  });
});
