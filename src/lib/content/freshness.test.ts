import { describe, expect, it } from 'vitest';
import { isStale, reviewAgeDays, reviewAges } from './freshness.ts';

const TODAY = new Date('2026-11-24T15:30:00Z');

describe('reviewAgeDays', () => {
  it('counts whole UTC days, whatever the time of day', () => {
    expect(reviewAgeDays('2026-11-24', TODAY)).toBe(0);
    expect(reviewAgeDays('2026-11-23', new Date('2026-11-24T00:00:01Z'))).toBe(1);
    expect(reviewAgeDays('2025-11-24', TODAY)).toBe(365);
    expect(reviewAgeDays('2024-02-29', new Date('2025-03-01T00:00:00Z'))).toBe(366);
  });

  it('rejects a malformed day with the value it found', () => {
    expect(() => reviewAgeDays('24/11/2026', TODAY)).toThrow('lastReviewed must be YYYY-MM-DD; found "24/11/2026"');
  });
});

describe('staleness', () => {
  it('is stale only after more than a year', () => {
    expect(isStale('2025-11-24', TODAY)).toBe(false);
    expect(isStale('2025-11-23', TODAY)).toBe(true);
  });

  it('lists the oldest reviews first and flags only the stale ones', () => {
    const answers = [
      { file: 'content/questions/004-http-200-ok.mdx', id: 4, lastReviewed: '2026-06-01' },
      { file: 'content/questions/042-password-storage.mdx', id: 42, lastReviewed: '2024-10-01' },
      { file: 'content/questions/003-http-methods.mdx', id: 3, lastReviewed: '2026-06-01' },
    ];
    expect(reviewAges(answers, TODAY).map((a) => a.id)).toEqual([42, 3, 4]);
    expect(reviewAges(answers, TODAY).map((a) => [a.id, a.ageDays, a.stale])).toEqual([[42, 784, true], [3, 176, false], [4, 176, false]]);
  });
});
