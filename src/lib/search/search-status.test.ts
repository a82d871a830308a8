import { describe, expect, it } from 'vitest';
import { resultsStatus } from './search-status.ts';

const found = { partial: false, partialHits: 0, unmatched: [], missingQuestions: [] };

describe('resultsStatus', () => {
  it('counts the answers', () => {
    expect(resultsStatus({ term: 'put vs patch', count: 3, filtered: false, found })).toBe('3 answers.');
    expect(resultsStatus({ term: '', count: 1, filtered: true })).toBe('1 answer.');
  });

  it('says when the list shows only the best, or the first, of them', () => {
    expect(resultsStatus({ term: 'http', count: 25, shown: 10, filtered: false, found })).toBe(
      '25 answers. Showing the best 10.',
    );
    expect(resultsStatus({ term: '', count: 33, shown: 20, filtered: true })).toBe('33 answers. Showing the first 20.');
  });

  it('says how many answers match every word when others match only some', () => {
    expect(
      resultsStatus({ term: 'put vs patch', count: 21, filtered: false, found: { ...found, partialHits: 17 } }),
    ).toBe('4 answers match every word, 17 more match some.');
    expect(
      resultsStatus({ term: 'json number precision', count: 2, filtered: false, found: { ...found, partialHits: 1 } }),
    ).toBe('1 answer matches every word, 1 more matches some.');
  });

  it('says when no answer has every word, and which words match nothing', () => {
    expect(
      resultsStatus({
        term: 'put zebra',
        count: 4,
        filtered: false,
        found: { ...found, partial: true, partialHits: 4, unmatched: ['zebra'] },
      }),
    ).toBe('Nothing matches “zebra”; 4 answers match the other words.');
    expect(
      resultsStatus({
        term: 'put patch',
        count: 2,
        filtered: true,
        found: { ...found, partial: true, partialHits: 2 },
      }),
    ).toBe('No answer has all these words with these filters; 2 answers have some.');
    expect(
      resultsStatus({
        term: 'put zebra',
        count: 1,
        filtered: false,
        found: { ...found, partial: true, partialHits: 1, unmatched: ['zebra'] },
      }),
    ).toBe('Nothing matches “zebra”; 1 answer matches the other words.');
  });

  it('says a question number has no answer yet', () => {
    expect(resultsStatus({ term: 'q7', count: 0, filtered: false, found: { ...found, missingQuestions: [7] } })).toBe(
      'Q7 has no answer yet.',
    );
    expect(
      resultsStatus({ term: 'q7 q42', count: 1, filtered: false, found: { ...found, missingQuestions: [7] } }),
    ).toBe('Q7 has no answer yet. 1 answer.');
    expect(resultsStatus({ term: 'q42', count: 0, filtered: true, found: { ...found, missingQuestions: [42] } })).toBe(
      'No Q42 with these filters.',
    );
  });

  it('says when nothing matches at all', () => {
    expect(resultsStatus({ term: 'zebra', count: 0, filtered: false, found })).toBe('No answers match “zebra”.');
    expect(resultsStatus({ term: '', count: 0, filtered: true })).toBe('No answers match with these filters.');
  });

  it('shortens a very long unmatched word in the line it announces', () => {
    const word = 'a'.repeat(10_000);
    const line = resultsStatus({
      term: `put ${word}`,
      count: 4,
      filtered: false,
      found: { ...found, partial: true, partialHits: 4, unmatched: [word] },
    });
    expect(line).toBe(`Nothing matches “${'a'.repeat(40)}…”; 4 answers match the other words.`);
    expect(resultsStatus({ term: word, count: 0, filtered: false, found })).toBe(
      `No answers match “${'a'.repeat(40)}…”.`,
    );
  });

  it('says when a long query was cut to its first terms', () => {
    expect(
      resultsStatus({ term: 'many words', count: 3, filtered: false, found: { ...found, dropped: ['x', 'y'] } }),
    ).toBe('3 answers. Only the first 8 terms were searched.');
  });
});
