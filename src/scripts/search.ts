// Search dialog over the Pagefind index. Loaded by site.ts when the reader
// first opens search; Pagefind's script and index chunks load right after.
import { BANDS } from '../lib/difficulty.ts';

interface PagefindData {
  url: string;
  meta: Record<string, string | undefined>;
  filters: Record<string, string[] | undefined>;
}
interface Pagefind {
  options(options: { baseUrl: string }): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(
    term: string | null,
    options: { filters?: Record<string, string>; sort?: Record<string, 'asc' | 'desc'> },
    debounceMs?: number,
  ): Promise<{ results: { data(): Promise<PagefindData> }[] } | null>;
}

const MAX_RESULTS = 20;
const base = import.meta.env.BASE_URL;
const dialog = document.getElementById('search') as HTMLDialogElement;
const input = document.getElementById('search-input') as HTMLInputElement;
const status = document.getElementById('search-status') as HTMLElement;
const list = document.getElementById('search-results') as HTMLOListElement;
const filters = dialog.querySelectorAll<HTMLInputElement>('input[name="search-difficulty"]');
const topicSelect = document.getElementById('search-topic') as HTMLSelectElement;

let pagefind: Promise<Pagefind> | undefined;
function loadPagefind(): Promise<Pagefind> {
  pagefind ??= import(/* @vite-ignore */ `${base}pagefind/pagefind.js`).then(async (pf: Pagefind) => {
    await pf.options({ baseUrl: base });
    await pf.init();
    return pf;
  });
  return pagefind;
}

async function run(): Promise<void> {
  const term = input.value.trim();
  const difficulty = [...filters].find((f) => f.checked)?.value ?? '';
  const topic = topicSelect.value;
  if (!term && !difficulty && !topic) {
    list.replaceChildren();
    status.textContent = '';
    return;
  }
  let pf: Pagefind;
  try {
    pf = await loadPagefind();
  } catch {
    status.textContent = 'Search needs the built site: run npm run build, then npm run preview.';
    return;
  }
  const found = await pf.debouncedSearch(
    term || null,
    {
      filters: { ...(difficulty && { difficulty }), ...(topic && { topic }) },
      ...(term ? {} : { sort: { number: 'asc' } }),
    },
    120,
  );
  if (found === null) return; // A newer keystroke superseded this query.
  const pages = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
  list.replaceChildren(...pages.map(renderResult));
  const count = found.results.length;
  status.textContent = count === 0 ? `No answers match${term ? ` “${term}”` : ''} with these filters.` : `${count} ${count === 1 ? 'answer' : 'answers'}`;
}

function renderResult(page: PagefindData): HTMLLIElement {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = page.url;
  link.className = 'result';
  const title = document.createElement('span');
  title.className = 'result-title';
  title.textContent = `Q${Number(page.meta.number)}. ${page.meta.title ?? ''}`;
  const difficulty = page.filters.difficulty?.[0];
  link.append(title);
  if (difficulty) {
    const badge = document.createElement('span');
    badge.className = `badge badge-${difficulty}`;
    badge.textContent = BANDS.find((b) => b.difficulty === difficulty)?.label ?? difficulty;
    link.append(badge);
  }
  const summary = document.createElement('span');
  summary.className = 'result-summary';
  summary.textContent = page.meta.summary ?? '';
  link.append(summary);
  item.append(link);
  return item;
}

function resultLinks(): HTMLAnchorElement[] {
  return [...list.querySelectorAll<HTMLAnchorElement>('a.result')];
}

input.addEventListener('input', () => void run());
for (const filter of [...filters, topicSelect]) filter.addEventListener('change', () => void run());

input.addEventListener('keydown', (event) => {
  const first = resultLinks()[0];
  if (event.key === 'ArrowDown' && first) {
    event.preventDefault();
    first.focus();
  } else if (event.key === 'Enter' && first) {
    event.preventDefault();
    first.click();
  }
});

list.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  event.preventDefault();
  const links = resultLinks();
  const index = links.indexOf(document.activeElement as HTMLAnchorElement);
  const next = index + (event.key === 'ArrowDown' ? 1 : -1);
  if (next < 0) input.focus();
  else links[Math.min(next, links.length - 1)]?.focus();
});

dialog.querySelector('[data-search-close]')?.addEventListener('click', () => dialog.close());
// A click on the backdrop lands on the dialog element itself.
dialog.addEventListener('click', (event) => {
  if (event.target === dialog) dialog.close();
});

// Whatever was typed or picked while this module loaded is searched now
// (run() does nothing while the box and the filters are empty).
void loadPagefind().catch(() => {});
void run();
