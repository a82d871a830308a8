// Fills in "N answered questions · K known · R to review" on the home and
// difficulty pages. Loaded by site.ts only where that line exists.
import { countProgress, describeCounts } from '../lib/practice/schedule.ts';
import { store } from './progress-store.ts';

for (const line of document.querySelectorAll<HTMLElement>('[data-progress-summary]')) {
  const ids = (line.dataset.ids ?? '').split(' ').filter(Boolean).map(Number);
  const text = line.querySelector('[data-progress-text]');
  if (text) text.textContent = describeCounts(countProgress(ids, store.progress, new Date()));
}
