import { describe, expect, it } from 'vitest';
import { concatSamples, latency, median, pairedRatios, percentile, ratio, spread } from './stats.ts';

describe('median', () => {
  it('takes the middle sample, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses no samples rather than reporting 0', () => {
    expect(() => median([])).toThrow(/no samples/);
  });
});

describe('percentile', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);

  it('uses the nearest rank: p95 of 1..20 is 19, p100 is the max', () => {
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 100)).toBe(20);
    expect(percentile(twenty, 0)).toBe(1);
  });

  it('is the only sample when there is one', () => {
    expect(percentile([7], 95)).toBe(7);
  });

  it('rejects a percentile outside 0–100', () => {
    expect(() => percentile([1], 101)).toThrow(/from 0 to 100, got 101/);
  });
});

describe('spread and latency', () => {
  it('summarise samples without reordering the input', () => {
    const samples = [30, 10, 20];
    expect(spread(samples)).toEqual({ median: 20, max: 30 });
    expect(latency(samples)).toEqual({ median: 20, p95: 30 });
    expect(samples).toEqual([30, 10, 20]);
  });
});

describe('ratio', () => {
  it('divides ours by the peer, to two places', () => {
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(15, 10)).toBe(1.5);
  });

  it('is 1 when both are zero and null when only the peer is', () => {
    expect(ratio(0, 0)).toBe(1);
    expect(ratio(5, 0)).toBeNull();
  });
});

describe('concatSamples', () => {
  it('joins each named list across rounds, in round order', () => {
    const rounds = [{ coldMs: [3, 1], warmMs: [9] }, { coldMs: [2], warmMs: [8, 7] }];
    expect(concatSamples(rounds)).toEqual({ coldMs: [3, 1, 2], warmMs: [9, 8, 7] });
  });

  it('refuses no rounds', () => {
    expect(() => concatSamples([])).toThrow(/no rounds/);
  });
});

describe('pairedRatios', () => {
  it('divides round by round, in order', () => {
    expect(pairedRatios([3, 5, 8], [2, 4, 5])).toEqual([1.5, 1.25, 1.6]);
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(/2 rounds of ours against 1 of the peer/);
  });
});
