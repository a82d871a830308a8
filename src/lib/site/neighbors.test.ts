import { describe, expect, it } from 'vitest';
import { neighbors } from './neighbors.ts';

const list = [{ n: 4 }, { n: 42 }, { n: 97 }];
const at = (n: number) => (item: { n: number }) => item.n === n;

describe('neighbors', () => {
  it('finds the previous and next items', () => {
    expect(neighbors(list, at(42))).toEqual({ prev: { n: 4 }, next: { n: 97 } });
  });

  it('leaves out what is past either end', () => {
    expect(neighbors(list, at(4))).toEqual({ prev: undefined, next: { n: 42 } });
    expect(neighbors(list, at(97))).toEqual({ prev: { n: 42 }, next: undefined });
  });

  it('throws when the current item is not in the list', () => {
    expect(() => neighbors(list, at(5))).toThrow('neighbors: the current item is not in the list');
  });
});
