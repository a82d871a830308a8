import { describe, expect, it } from 'vitest';
import { parseQuery, queryWords } from './search-query.ts';
import { SYNONYM_GROUPS } from './search-synonyms.ts';

const formsOf = (query: string) => parseQuery(query).concepts.map((c) => c.forms.map((f) => f.join(' ')));

describe('SYNONYM_GROUPS', () => {
  it('has at least two forms per group, each written as a reader types it', () => {
    for (const group of SYNONYM_GROUPS) {
      expect(group.length, group.join(', ')).toBeGreaterThan(1);
      for (const form of group) expect(queryWords(form).join(' '), `"${form}" should be lowercase words`).toBe(form);
    }
  });

  it('puts no form in two groups, so a name never means two things', () => {
    const seen = new Map<string, string>();
    for (const group of SYNONYM_GROUPS) {
      for (const form of group) {
        expect(seen.get(form), `"${form}" is in [${seen.get(form)}] and [${group.join(', ')}]`).toBeUndefined();
        seen.set(form, group.join(', '));
      }
    }
  });

  it.each([
    ['jwt', 'json web token'],
    ['rbac', 'role based access control'],
    ['cors', 'cross origin resource sharing'],
    ['orm', 'object relational mapping'],
    ['n+1', 'n plus one'],
    ['slo', 'service level objective'],
    ['pii', 'personally identifiable information'],
    ['dlq', 'dead letter queue'],
    ['rls', 'row level security'],
  ])('lets %s and %s find each other', (short, long) => {
    expect(formsOf(short)).toEqual([expect.arrayContaining([long, short === 'n+1' ? 'n1' : short])]);
    expect(formsOf(long)).toEqual([expect.arrayContaining([long, short === 'n+1' ? 'n1' : short])]);
  });

  it('maps status codes to reason phrases and back', () => {
    expect(formsOf('404')).toEqual([['404', 'not found']]);
    expect(formsOf('gone')).toEqual([['410', 'gone']]);
    expect(formsOf('internal server error')).toEqual([['500', 'internal server error']]);
  });
});
