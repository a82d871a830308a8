import { describe, expect, it } from 'vitest';
import { bodyStart, contentWords, startsLike, titleLength, titleWords } from './search-content.ts';

const page = {
  content: 'What is idempotency? Short answer. An operation is idempotent when doing it twice changes nothing.',
  meta: { title: 'What is idempotency?' },
  anchors: [{ element: 'h2', id: 'short-answer', text: 'Short answer', location: 3 }],
};

describe('the layout of an answer in the index', () => {
  it('splits words as Pagefind counts locations', () => {
    expect(contentWords('a  b\nc')).toEqual(['a', 'b', 'c']);
  });

  it('finds the title opening the content, and its meaningful words', () => {
    expect(titleLength(page)).toBe(3);
    expect(titleWords(page)).toEqual([2]);
  });

  it('starts the body after the title and the short answer heading', () => {
    expect(bodyStart(page)).toBe(5);
    expect(contentWords(page.content)[bodyStart(page)]).toBe('An');
  });

  it('knows no title when the content does not open with it', () => {
    const other = { ...page, content: `Q32 Easy. ${page.content}` };
    expect(titleLength(other)).toBe(0);
    expect(titleWords(other)).toEqual([]);
    expect(bodyStart({ ...other, anchors: [] })).toBe(0);
  });
});

describe('startsLike', () => {
  it('accepts a word, a stem or a part of a compound that starts as the typed word', () => {
    expect(startsLike('Idempotency-Key:', 'idempotancy')).toBe(true);
    expect(startsLike('(application/problem+json)', 'json')).toBe(true);
    expect(startsLike('N+1', 'n1')).toBe(true);
    expect(startsLike('studies', 'study')).toBe(true);
  });

  it('refuses the short word Pagefind falls back on for a word no page has', () => {
    expect(startsLike('z.object(', 'zxqv')).toBe(false);
    expect(startsLike('a', 'abcdef')).toBe(false);
  });
});
