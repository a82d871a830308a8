import type { CardProgress, Progress } from './progress.ts';

/**
 * Leitner boxes. "Knew it" moves a card up one box and schedules it that many
 * days ahead; "Review again" sends it back to box 0, due at once. Intervals
 * roughly double, so a card known five times in a row returns after five weeks.
 * @see https://en.wikipedia.org/wiki/Leitner_system
 */
export const INTERVAL_DAYS = [0, 1, 3, 7, 16, 35] as const;
export const MAX_BOX = INTERVAL_DAYS.length - 1;

const DAY_MS = 24 * 60 * 60 * 1000;

export type Grade = 'knew' | 'again';

/** A card's state for the reader: never reviewed, due now, or known for now. */
export type CardStatus = 'new' | 'due' | 'known';

/** The card after one review; `now` is passed in so tests are deterministic. */
export function review(card: CardProgress | undefined, grade: Grade, now: Date): CardProgress {
  const before = card ?? { box: 0, knew: 0, again: 0 };
  const box = grade === 'knew' ? Math.min(before.box + 1, MAX_BOX) : 0;
  return {
    box,
    due: new Date(now.getTime() + INTERVAL_DAYS[box]! * DAY_MS).toISOString(),
    seen: now.toISOString(),
    knew: before.knew + (grade === 'knew' ? 1 : 0),
    again: before.again + (grade === 'again' ? 1 : 0),
  };
}

export function cardStatus(card: CardProgress | undefined, now: Date): CardStatus {
  if (!card) return 'new';
  return Date.parse(card.due) <= now.getTime() ? 'due' : 'known';
}

export interface ProgressCounts {
  /** Answered questions in scope (the whole site, or one difficulty). */
  answered: number;
  /** Reviewed and not yet due again. */
  known: number;
  /** Reviewed and due now: marked "Review again", or their interval has passed. */
  toReview: number;
}

/** Counts for the questions in `ids`; progress for other ids is ignored. */
export function countProgress(ids: readonly number[], progress: Progress, now: Date): ProgressCounts {
  const counts = { answered: ids.length, known: 0, toReview: 0 };
  for (const id of ids) {
    const status = cardStatus(progress.cards[id], now);
    if (status === 'known') counts.known++;
    else if (status === 'due') counts.toReview++;
  }
  return counts;
}

/** "21 answered questions · 3 known · 2 to review" */
export function describeCounts({ answered, known, toReview }: ProgressCounts): string {
  const questions = answered === 1 ? 'question' : 'questions';
  return `${answered} answered ${questions} · ${known} known · ${toReview} to review`;
}
