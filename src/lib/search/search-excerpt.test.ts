import { describe, expect, it } from 'vitest';
import { densestStart, excerpt, type Segment, segments } from './search-excerpt.ts';

/** Segments as text, marks in brackets. */
const show = (list: readonly Segment[]) => list.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('');

const body = Array.from({ length: 60 }, (_, i) => `w${i}`);
const page = {
  content: [
    'What is the difference between PUT and PATCH?',
    'Short answer.',
    'PUT replaces (the whole) resource; PATCH changes part.',
    ...body,
  ].join(' '),
  meta: { title: 'What is the difference between PUT and PATCH?' },
  anchors: [
    { element: 'h2', id: 'short-answer', text: 'Short answer', location: 8 },
    { element: 'h2', id: 'in-code', text: 'In code', location: 30 },
  ],
};

describe('segments', () => {
  it('marks the letters of a word, not the punctuation around it, and merges plain runs', () => {
    expect(segments(['(PUT),', 'and', 'PATCH?'], (i) => i !== 1)).toEqual([
      { text: '(', mark: false },
      { text: 'PUT', mark: true },
      { text: '), and ', mark: false },
      { text: 'PATCH', mark: true },
      { text: '?', mark: false },
    ]);
  });
});

describe('densestStart', () => {
  it('prefers the window showing the most concepts over the one with the most matches', () => {
    const matches = [
      { at: 40, concept: 1 },
      { at: 41, concept: 1 },
      { at: 42, concept: 1 },
      { at: 60, concept: 0 },
      { at: 62, concept: 1 },
    ];
    expect(densestStart(matches, 0, 10)).toBe(57);
  });

  it('takes the first window of the most concepts, from the body start when a match is near it', () => {
    expect(
      densestStart(
        [
          { at: 30, concept: 0 },
          { at: 80, concept: 0 },
          { at: 81, concept: 0 },
        ],
        10,
        10,
      ),
    ).toBe(27);
    expect(
      densestStart(
        [
          { at: 13, concept: 0 },
          { at: 40, concept: 1 },
        ],
        10,
        10,
      ),
    ).toBe(10);
  });

  it('starts at `from` when nothing matched after it', () => {
    expect(densestStart([{ at: 2, concept: 0 }], 5, 10)).toBe(5);
  });
});

describe('excerpt', () => {
  it('marks matches in the title and shows the short answer where both concepts stand', () => {
    const shown = excerpt(
      page,
      [
        [5, 10],
        [7, 15],
      ],
      8,
    );
    expect(show(shown.title)).toBe('What is the difference between [PUT] and [PATCH]?');
    expect(shown.section).toBe('Short answer');
    expect(show(shown.text)).toBe('[PUT] replaces (the whole) resource; [PATCH] changes part. …');
  });

  it('moves to the matches further down, with the section they are in', () => {
    const shown = excerpt(page, [[40]], 6); // w22, with three words before it
    expect(shown.section).toBe('In code');
    expect(show(shown.text)).toBe('… w19 w20 w21 [w22] w23 w24 …');
  });

  it('shows the start of the short answer when only the title matched', () => {
    expect(show(excerpt(page, [[5]], 3).text)).toBe('PUT replaces (the …');
  });

  it('shows the whole title unmarked when the content does not open with it', () => {
    const shown = excerpt({ ...page, content: `Q31 ${page.content}` }, [], 3);
    expect(shown.title).toEqual([{ text: page.meta.title, mark: false }]);
  });
});
