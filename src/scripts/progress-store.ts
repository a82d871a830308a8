// The one progress store of a page, shared by practice mode's scripts.
// Every change is announced with a `progress-change` event on document,
// so the session, the counts and the tools stay in step.
import type { Progress } from '../lib/practice/progress.ts';
import { type Grade, review } from '../lib/practice/schedule.ts';
import { openProgressStore } from '../lib/practice/storage.ts';

export const store = openProgressStore(() => localStorage);

export function saveProgress(progress: Progress): void {
  store.save(progress);
  document.dispatchEvent(new CustomEvent('progress-change'));
}

/** Records one review of question `id` now. */
export function grade(id: number, result: Grade): void {
  const { cards } = store.progress;
  saveProgress({ ...store.progress, cards: { ...cards, [id]: review(cards[id], result, new Date()) } });
}
