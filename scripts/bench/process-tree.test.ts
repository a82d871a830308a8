import { describe, expect, it } from 'vitest';
import { descendants, parseStat } from './process-tree.ts';

describe('descendants', () => {
  it('collects children and grandchildren, not siblings', () => {
    const parentOf = new Map([[10, 1], [11, 10], [12, 11], [20, 1], [13, 10]]);
    expect(descendants(parentOf, 10).sort()).toEqual([10, 11, 12, 13]);
  });
});

describe('parseStat', () => {
  it('reads the parent and RSS past a command name with spaces and parentheses', () => {
    const stat = '4242 (node (worker) x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 5 1 0 0 20 0 11 0 900 1234567 2500 18446744073709551615';
    expect(parseStat(stat)).toEqual({ ppid: 4200, rssPages: 2500 });
  });
});
