import { DIFFICULTIES, type Difficulty } from '../content/difficulty.ts';
import type { Progress } from './progress.ts';
import { cardStatus } from './schedule.ts';

/** What the session needs to know about a question to pick it. */
export interface DeckCard {
  id: number;
  difficulty: Difficulty;
  topics: readonly string[];
}

/** The reader's choice on the practice page; `any` means no filter. */
export interface Choice {
  difficulty: Difficulty | 'any';
  topic: string;
  /** Only cards already reviewed and due again. */
  dueOnly: boolean;
}

export const ANY_CHOICE: Choice = { difficulty: 'any', topic: 'any', dueOnly: false };

/** The cards a choice selects, in the order the session shows them. */
export function buildDeck<T extends DeckCard>(cards: readonly T[], choice: Choice, progress: Progress, now: Date, random: () => number): T[] {
  const chosen = cards.filter(
    (c) =>
      (choice.difficulty === 'any' || c.difficulty === choice.difficulty) &&
      (choice.topic === 'any' || c.topics.includes(choice.topic)) &&
      (!choice.dueOnly || cardStatus(progress.cards[c.id], now) === 'due'),
  );
  return orderDeck(chosen, progress, now, random);
}

/**
 * Due cards first, longest overdue first; then cards never seen, shuffled so
 * repeated sessions do not always open on the same question; then the rest,
 * soonest due first.
 */
export function orderDeck<T extends DeckCard>(cards: readonly T[], progress: Progress, now: Date, random: () => number): T[] {
  const due: T[] = [];
  const fresh: T[] = [];
  const known: T[] = [];
  for (const card of cards) {
    const status = cardStatus(progress.cards[card.id], now);
    (status === 'due' ? due : status === 'new' ? fresh : known).push(card);
  }
  const dueTime = (c: T) => Date.parse(progress.cards[c.id]!.due);
  const byDue = (a: T, b: T) => dueTime(a) - dueTime(b) || a.id - b.id;
  return [...due.sort(byDue), ...shuffle(fresh, random), ...known.sort(byDue)];
}

/** Fisher–Yates with an injected random source in [0, 1). */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Reads a choice from the page's query; unknown values fall back to `any`. */
export function choiceFromQuery(params: URLSearchParams, topics: readonly string[]): Choice {
  const difficulty = params.get('difficulty') ?? '';
  const topic = params.get('topic') ?? '';
  return {
    difficulty: (DIFFICULTIES as readonly string[]).includes(difficulty) ? (difficulty as Difficulty) : 'any',
    topic: topics.includes(topic) ? topic : 'any',
    dueOnly: params.get('due') === '1',
  };
}

/** The query that links to a session: `?difficulty=easy&topic=http&due=1`. */
export function choiceToQuery(choice: Choice): string {
  const params = new URLSearchParams({ difficulty: choice.difficulty, topic: choice.topic });
  if (choice.dueOnly) params.set('due', '1');
  return `?${params}`;
}
