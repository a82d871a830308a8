import { describe, expect, it } from 'vitest';
import {
  bm25Idf,
  conceptWeight,
  COVERAGE_POWER,
  type Match,
  NEAR,
  NEAR_BONUS,
  near,
  pageScore,
  phraseAt,
  TITLE_BONUS,
  titleFactor,
} from './search-score.ts';

const match = (strength: number, words: number[] = []): Match => ({ strength, words });

describe('weights', () => {
  it('keeps a word nearly every page uses in play, where BM25 all but zeroes it', () => {
    expect(bm25Idf(21, 20)).toBeLessThan(0.1);
    expect(conceptWeight(21, 20)).toBeGreaterThan(0.69);
    expect(conceptWeight(21, 1)).toBeGreaterThan(3.5 * conceptWeight(21, 20));
  });
});

describe('near', () => {
  it(`is true when two words stand within ${NEAR} words, in either order`, () => {
    expect(near([10, 50], [53])).toBe(true);
    expect(near([60], [10, 57])).toBe(true);
    expect(near([10], [10 + NEAR + 1])).toBe(false);
    expect(near([], [1])).toBe(false);
  });
});

describe('phraseAt', () => {
  it('finds words in order, one after another or sharing a compound index', () => {
    expect(phraseAt([[3, 40], [4, 90], [5]])).toEqual([3, 4, 5]);
    expect(phraseAt([[7], [7], [8]])).toEqual([7, 8]);
  });

  it('allows one word between, not more, and not out of order', () => {
    expect(phraseAt([[3], [5]])).toEqual([3, 5]);
    expect(phraseAt([[3], [6]])).toEqual([]);
    expect(phraseAt([[5], [3]])).toEqual([]);
  });
});

describe('pageScore', () => {
  const weights = [1, 1];

  it('adds the weighted strength of each concept', () => {
    expect(pageScore([match(2), match(3)], weights)).toBe(5);
  });

  it('keeps a power of the share covered for a page missing a concept', () => {
    expect(COVERAGE_POWER).toBeGreaterThan(1);
    expect(pageScore([match(8), undefined], weights)).toBeCloseTo(8 * 0.5 ** COVERAGE_POWER);
    expect(pageScore([match(8), undefined], [3, 1])).toBeCloseTo(24 * 0.75 ** COVERAGE_POWER);
  });

  it('ranks a page holding both concepts above one holding a single concept strongly', () => {
    expect(pageScore([match(2), match(2)], weights)).toBeGreaterThan(pageScore([match(10), undefined], weights));
  });

  it('rewards neighbouring concepts that stand together on the page', () => {
    const apart = pageScore([match(2, [10]), match(2, [90])], weights);
    const together = pageScore([match(2, [10]), match(2, [12])], weights);
    expect(together).toBe(apart * (1 + NEAR_BONUS));
  });

  it('adds an implied concept to the strength without counting it as missing', () => {
    const typed = pageScore([match(2), match(2, [90])], weights);
    expect(pageScore([match(2), match(2, [90]), undefined], [1, 1, 1], [false, false, true])).toBe(typed);
    expect(pageScore([match(2), match(2, [90]), match(3)], [1, 1, 1], [false, false, true])).toBe(typed + 3);
    // Nor does it stand in for a typed neighbour's phrase.
    expect(pageScore([match(2, [10]), match(3, [11]), match(2, [90])], [1, 1, 1], [false, true, false])).toBe(7);
  });

  it('scores nothing for nothing', () => {
    expect(pageScore([], [])).toBe(0);
    expect(pageScore([undefined], [1])).toBe(0);
  });
});

describe('titleFactor', () => {
  it('is highest when the query covers the whole title and the title the whole query', () => {
    expect(titleFactor([2], [match(1, [2, 30])], [1])).toBe(1 + TITLE_BONUS);
  });

  it('weighs a quarter-covered title a quarter as much', () => {
    expect(titleFactor([1, 4, 5, 6], [match(1, [4])], [1])).toBe(1 + TITLE_BONUS / 4);
  });

  it('scales by the weighted share of the query found in the title', () => {
    expect(titleFactor([2], [match(1, [2]), match(1, [40])], [1, 3])).toBe(1 + TITLE_BONUS / 4);
  });

  it('lifts a page whose title is the query enough to pass one that holds the words more often', () => {
    // Same words, one page twice as strong in the body; the title decides.
    const titled = pageScore([match(1, [2])], [1]) * titleFactor([2], [match(1, [2])], [1]);
    const body = pageScore([match(1.5, [40])], [1]) * titleFactor([2], [match(1.5, [40])], [1]);
    expect(titled).toBeGreaterThan(body);
  });

  it('is 1 for a title nothing matched, or an unknown title', () => {
    expect(titleFactor([0, 1], [match(1, [9])], [1])).toBe(1);
    expect(titleFactor([], [match(1, [0])], [1])).toBe(1);
  });
});
