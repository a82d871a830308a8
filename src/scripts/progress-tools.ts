// Export, import and reset on the practice page, and its counts line.
import { parseProgressText } from '../lib/practice/parse-progress.ts';
import { emptyProgress, mergeProgress } from '../lib/practice/progress.ts';
import { countProgress, describeCounts } from '../lib/practice/schedule.ts';
import { exportFileName } from '../lib/practice/storage.ts';
import { saveProgress, store } from './progress-store.ts';

const tools = document.querySelector<HTMLElement>('[data-progress-tools]')!;
const part = <T extends Element>(name: string) => tools.querySelector<T>(`[data-progress-${name}]`)!;
const counts = part<HTMLElement>('counts');
const notice = part<HTMLElement>('notice');
const status = part<HTMLElement>('status');
const file = part<HTMLInputElement>('file');

/** Ids of the answered questions, read from the page's card list. */
const ids = [...document.querySelectorAll<HTMLElement>('[data-card]')].map((c) => Number(c.dataset.id));

function render(): void {
  counts.textContent = describeCounts(countProgress(ids, store.progress, new Date()));
  notice.textContent = store.notice ?? '';
  notice.hidden = !store.notice;
}

function say(message: string, error = false): void {
  status.textContent = message;
  status.classList.toggle('practice-error', error);
}

part('export').addEventListener('click', () => {
  const blob = new Blob([`${JSON.stringify(store.progress, null, 2)}\n`], { type: 'application/json' });
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: exportFileName(new Date()) });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
  say(`Exported ${Object.keys(store.progress.cards).length} reviewed questions as ${link.download}.`);
});

part('import').addEventListener('click', () => file.click());
file.addEventListener('change', async () => {
  const chosen = file.files?.[0];
  file.value = '';
  if (!chosen) return;
  const parsed = parseProgressText(await chosen.text());
  if (!parsed.ok) {
    say(`${chosen.name} was not imported, and your progress is unchanged:\n${parsed.error}`, true);
    return;
  }
  const { progress, added, updated, kept } = mergeProgress(store.progress, parsed.value);
  saveProgress(progress);
  say(`Imported ${chosen.name}: ${added} new, ${updated} updated, ${kept} kept because this browser's review was as recent or newer.`);
});

part('reset').addEventListener('click', () => {
  if (!confirm('Forget every review in this browser? Export first if you may want it back.')) return;
  saveProgress(emptyProgress());
  say('Progress reset.');
});

document.addEventListener('progress-change', render);
render();
