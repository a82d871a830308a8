import { describe, expect, it } from 'vitest';
import { emptyProgress } from './progress.ts';
import { cardStatus, countProgress, describeCounts, INTERVAL_DAYS, MAX_BOX, review } from './schedule.ts';

const now = new Date('2025-03-01T10:00:00.000Z');
const daysLater = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

describe('review', () => {
  it('puts a first "knew it" in box 1, due in one day', () => {
    expect(review(undefined, 'knew', now)).toEqual({ box: 1, due: daysLater(1), seen: now.toISOString(), knew: 1, again: 0 });
  });

  it('moves a known card up one box per "knew it", with the box interval', () => {
    let card = review(undefined, 'knew', now);
    for (let box = 2; box <= MAX_BOX; box++) {
      card = review(card, 'knew', now);
      expect(card.box).toBe(box);
      expect(card.due).toBe(daysLater(INTERVAL_DAYS[box]!));
    }
    expect(card.knew).toBe(MAX_BOX);
  });

  it('keeps a card in the top box once it is there', () => {
    const top = { box: MAX_BOX, due: now.toISOString(), seen: now.toISOString(), knew: 9, again: 1 };
    expect(review(top, 'knew', now)).toMatchObject({ box: MAX_BOX, due: daysLater(35), knew: 10 });
  });

  it('sends a card back to box 0, due at once, on "review again"', () => {
    const card = { box: 4, due: daysLater(-1), seen: daysLater(-17), knew: 4, again: 0 };
    expect(review(card, 'again', now)).toEqual({ box: 0, due: now.toISOString(), seen: now.toISOString(), knew: 4, again: 1 });
  });
});

describe('cardStatus and counts', () => {
  const progress = emptyProgress();
  progress.cards['1'] = review(undefined, 'knew', now);
  progress.cards['2'] = review(undefined, 'again', now);
  progress.cards['3'] = { ...review(undefined, 'knew', now), due: daysLater(-2) };
  progress.cards['99'] = review(undefined, 'again', now);

  it('tells new, due and known cards apart, with due inclusive of now', () => {
    expect(cardStatus(undefined, now)).toBe('new');
    expect(cardStatus(progress.cards['1'], now)).toBe('known');
    expect(cardStatus(progress.cards['2'], now)).toBe('due');
    expect(cardStatus(progress.cards['1'], new Date(daysLater(1)))).toBe('due');
  });

  it('counts only the ids in scope', () => {
    expect(countProgress([1, 2, 3, 4], progress, now)).toEqual({ answered: 4, known: 1, toReview: 2 });
    expect(countProgress([], progress, now)).toEqual({ answered: 0, known: 0, toReview: 0 });
  });

  it('describes the counts in one line', () => {
    expect(describeCounts({ answered: 21, known: 3, toReview: 2 })).toBe('21 answered questions · 3 known · 2 to review');
    expect(describeCounts({ answered: 1, known: 0, toReview: 0 })).toBe('1 answered question · 0 known · 0 to review');
  });
});
