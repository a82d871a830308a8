import { describe, expect, it } from 'vitest';
import { descendants, parseParent, parseSmapsRollup } from './process-tree.ts';

describe('descendants', () => {
  it('collects children and grandchildren, not siblings', () => {
    const parentOf = new Map([[10, 1], [11, 10], [12, 11], [20, 1], [13, 10]]);
    expect(descendants(parentOf, 10).sort()).toEqual([10, 11, 12, 13]);
  });
});

describe('parseParent', () => {
  it('reads the parent past a command name with spaces and parentheses', () => {
    const stat = '4242 (node (worker) 7) S 4200 4242 4242 0 -1 4194560 100 0 0 0 5 1 0 0 20 0 11 0 900 1234567 2500 18446744073709551615';
    expect(parseParent(stat)).toBe(4200);
  });
});

describe('parseSmapsRollup', () => {
  const rollup = [
    '55a08e5ab000-7ffc38614000 ---p 00000000 00:00 0                          [rollup]',
    'Rss:                1668 kB',
    'Pss:                 768 kB',
    'Pss_Dirty:           112 kB',
    'Pss_Anon:            112 kB',
    'Shared_Clean:       1456 kB',
  ].join('\n');

  it('reads Rss and Pss in bytes, not the Pss_ breakdown lines', () => {
    expect(parseSmapsRollup(rollup)).toEqual({ rssBytes: 1668 * 1024, pssBytes: 768 * 1024 });
  });

  it('names the missing field when the format is not what it expects', () => {
    expect(() => parseSmapsRollup('Rss: 1 kB')).toThrow(/no Pss line/);
  });
});
