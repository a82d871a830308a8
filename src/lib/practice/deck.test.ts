import { describe, expect, it } from 'vitest';
import { ANY_CHOICE, buildDeck, choiceFromQuery, choiceToQuery, type DeckCard, orderDeck, shuffle } from './deck.ts';
import { emptyProgress } from './progress.ts';
import { review } from './schedule.ts';

const now = new Date('2025-03-01T10:00:00.000Z');
const TOPICS = ['http', 'databases', 'security'];
const cards: DeckCard[] = [
  { id: 1, difficulty: 'easy', topics: ['http'] },
  { id: 2, difficulty: 'easy', topics: ['databases'] },
  { id: 40, difficulty: 'medium', topics: ['http', 'security'] },
  { id: 41, difficulty: 'medium', topics: ['databases'] },
  { id: 90, difficulty: 'hard', topics: ['security'] },
];
const first = () => 0; // shuffle keeps a fixed, known order with this source
const ids = (deck: DeckCard[]) => deck.map((c) => c.id);

const progress = emptyProgress();
progress.cards['90'] = review(undefined, 'again', new Date('2025-02-27T10:00:00Z')); // due, oldest
progress.cards['2'] = review(undefined, 'again', new Date('2025-02-28T10:00:00Z')); // due
progress.cards['40'] = review(undefined, 'knew', now); // known, due tomorrow

describe('buildDeck', () => {
  it('orders due (oldest first), then never seen, then known', () => {
    expect(ids(buildDeck(cards, ANY_CHOICE, progress, now, first))).toEqual([90, 2, 41, 1, 40]);
  });

  it('filters by difficulty and by topic together', () => {
    expect(ids(buildDeck(cards, { ...ANY_CHOICE, difficulty: 'medium' }, progress, now, first))).toEqual([41, 40]);
    expect(ids(buildDeck(cards, { ...ANY_CHOICE, topic: 'security' }, progress, now, first))).toEqual([90, 40]);
    expect(ids(buildDeck(cards, { difficulty: 'easy', topic: 'security', dueOnly: false }, progress, now, first))).toEqual([]);
  });

  it('keeps only due cards when asked', () => {
    expect(ids(buildDeck(cards, { ...ANY_CHOICE, dueOnly: true }, progress, now, first))).toEqual([90, 2]);
    expect(buildDeck(cards, { ...ANY_CHOICE, dueOnly: true }, emptyProgress(), now, first)).toEqual([]);
  });

  it('does not reorder the input', () => {
    const copy = [...cards];
    orderDeck(cards, progress, now, first);
    expect(cards).toEqual(copy);
  });
});

describe('shuffle', () => {
  it('is a permutation decided by the random source', () => {
    const items = [1, 2, 3, 4, 5];
    expect(shuffle(items, () => 0)).toEqual([2, 3, 4, 5, 1]);
    expect(shuffle(items, () => 0.999)).toEqual(items);
    const values = [0.5, 0.1, 0.9, 0.3];
    const out = shuffle(items, () => values.shift()!);
    expect([...out].sort()).toEqual(items);
    expect(out).not.toEqual(items);
  });
});

describe('choice in the query', () => {
  it('round-trips through the query string', () => {
    const choice = { difficulty: 'hard', topic: 'security', dueOnly: true } as const;
    expect(choiceToQuery(choice)).toBe('?difficulty=hard&topic=security&due=1');
    expect(choiceFromQuery(new URLSearchParams(choiceToQuery(choice)), TOPICS)).toEqual(choice);
    expect(choiceToQuery(ANY_CHOICE)).toBe('?difficulty=any&topic=any');
  });

  it('falls back to any for unknown or missing values', () => {
    expect(choiceFromQuery(new URLSearchParams('difficulty=extreme&topic=cooking&due=yes'), TOPICS)).toEqual(ANY_CHOICE);
    expect(choiceFromQuery(new URLSearchParams(''), TOPICS)).toEqual(ANY_CHOICE);
  });
});
