/**
 * Which answers are due for a review. An answer names the day it was last
 * checked against its sources (`lastReviewed`); after a year the standards,
 * libraries and figures it cites may have moved on.
 */
export const STALE_AFTER_DAYS = 365;

const DAY_MS = 86_400_000;

export interface Reviewed {
  file: string;
  id: number;
  lastReviewed: string;
}

export interface ReviewAge extends Reviewed {
  ageDays: number;
  stale: boolean;
}

/** Whole days from a `YYYY-MM-DD` review to `today` (UTC). */
export function reviewAgeDays(lastReviewed: string, today: Date): number {
  const reviewed = Date.parse(`${lastReviewed}T00:00:00Z`);
  if (Number.isNaN(reviewed)) throw new Error(`lastReviewed must be YYYY-MM-DD; found ${JSON.stringify(lastReviewed)}`);
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((midnight - reviewed) / DAY_MS);
}

export function isStale(lastReviewed: string, today: Date): boolean {
  return reviewAgeDays(lastReviewed, today) > STALE_AFTER_DAYS;
}

/** Every answer with its age, oldest review first. */
export function reviewAges(answers: Reviewed[], today: Date): ReviewAge[] {
  return answers
    .map((a) => {
      const ageDays = reviewAgeDays(a.lastReviewed, today);
      return { ...a, ageDays, stale: ageDays > STALE_AFTER_DAYS };
    })
    .sort((a, b) => b.ageDays - a.ageDays || a.id - b.id);
}
