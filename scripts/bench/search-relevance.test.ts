import { describe, expect, it } from 'vitest';
import { idsBySlug, peerResultId } from './search-relevance.ts';

describe('peerResultId', () => {
  const id = peerResultId(
    new Map([
      ['put-vs-patch', 31],
      ['json', 6],
    ]),
  );
  const page = (url: string) => ({ url, content: '', meta: {}, filters: {}, anchors: [] });

  it("reads the question from the peer's URL, with or without a fragment", () => {
    expect(id(page('/questions/put-vs-patch/'))).toBe(31);
    expect(id(page('/questions/json/#where-it-bites'))).toBe(6);
  });

  it('gives 0 for a page that is not an answer, so it counts as a miss', () => {
    expect(id(page('/difficulty/easy/'))).toBe(0);
    expect(id(page('/'))).toBe(0);
    expect(id(page('/questions/unknown/'))).toBe(0);
  });
});

describe('idsBySlug', () => {
  it('maps each answer file to its slug', () => {
    const slugs = idsBySlug(process.cwd());
    expect(slugs.get('put-vs-patch')).toBe(31);
    expect([...slugs.values()]).toContain(42);
  });
});
