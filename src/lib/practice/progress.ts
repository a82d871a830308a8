/**
 * What practice mode remembers, per answered question, in the browser.
 * Stored as JSON under one localStorage key and exported as the same JSON,
 * so a backup file and the stored record are one format with one validator.
 */

/** Bumped only when the shape changes; parseProgress rejects other versions. */
export const PROGRESS_VERSION = 1;

/** One question's review history. */
export interface CardProgress {
  /** Leitner box, 0–5: 0 means "review again", higher means known for longer. */
  box: number;
  /** When the card is next due for review, an ISO 8601 timestamp. */
  due: string;
  /** When the card was last reviewed, an ISO 8601 timestamp; merges keep the later one. */
  seen: string;
  /** How many times the reader marked it "Knew it". */
  knew: number;
  /** How many times the reader marked it "Review again". */
  again: number;
}

export interface Progress {
  version: typeof PROGRESS_VERSION;
  /** Keyed by question id as a string ("42"), as JSON object keys are. */
  cards: Record<string, CardProgress>;
}

export function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, cards: {} };
}

/** What a merge did, for telling the reader. */
export interface MergeReport {
  progress: Progress;
  added: number;
  updated: number;
  kept: number;
}

/**
 * Merges an imported record into the current one, card by card, keeping the
 * entry reviewed more recently (ties keep the current one). Nothing is lost:
 * every card in either record is in the result.
 */
export function mergeProgress(current: Progress, incoming: Progress): MergeReport {
  const cards = { ...current.cards };
  let added = 0;
  let updated = 0;
  let kept = 0;
  for (const [id, theirs] of Object.entries(incoming.cards)) {
    const ours = cards[id];
    if (!ours) {
      cards[id] = theirs;
      added++;
    } else if (Date.parse(theirs.seen) > Date.parse(ours.seen)) {
      cards[id] = theirs;
      updated++;
    } else {
      kept++;
    }
  }
  return { progress: { version: PROGRESS_VERSION, cards }, added, updated, kept };
}
