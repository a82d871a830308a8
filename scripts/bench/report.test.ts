import { describe, expect, it } from 'vitest';
import { comparisonRows, formatValue, type Metric, ratios } from './report.ts';

describe('formatValue', () => {
  it('prints bytes in B, KB or MB, and times with their unit', () => {
    expect(formatValue(900, 'bytes')).toBe('900 B');
    expect(formatValue(2048, 'bytes')).toBe('2.0 KB');
    expect(formatValue(3 * 1024 * 1024, 'bytes')).toBe('3.0 MB');
    expect(formatValue(12.4, 'ms')).toBe('12 ms');
    expect(formatValue(1.234, 's')).toBe('1.23 s');
    expect(formatValue(47, 'count')).toBe('47');
    expect(formatValue(92.1, '%')).toBe('92.1%');
    expect(formatValue(100, 'score')).toBe('100');
    expect(formatValue(0.072893, 'score')).toBe('0.073');
  });
});

const metrics: Metric[] = [
  { name: 'question JS gzip, median', unit: 'bytes', ours: 1700, peer: 17000 },
  { name: 'build: snippet demos, wall', unit: 's', ours: 11, peer: null },
];

describe('comparisonRows', () => {
  it('gives ours, the peer and ours ÷ peer per metric, with a dash where the peer has none', () => {
    expect(comparisonRows(metrics)).toEqual({
      'question JS gzip, median': { ours: '1.7 KB', starlight: '16.6 KB', 'ours ÷ starlight': '0.10' },
      'build: snippet demos, wall': { ours: '11.00 s', starlight: '—', 'ours ÷ starlight': '—' },
    });
  });

  it('refuses two metrics with one name, which would hide one', () => {
    expect(() => comparisonRows([metrics[0]!, metrics[0]!])).toThrow(/listed twice/);
  });
});

describe('ratios', () => {
  it('keys the ratio by metric name, null without a peer figure', () => {
    expect(ratios(metrics)).toEqual({ 'question JS gzip, median': 0.1, 'build: snippet demos, wall': null });
  });
});
