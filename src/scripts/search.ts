// Search dialog over the Pagefind index. Loaded by site.ts when the reader
// first opens search; Pagefind's script and index chunks load right after.
// The query itself runs in src/lib/search/search-engine.ts, which the relevance
// test runs too; this file only wires it to the dialog.
import { BANDS } from '../lib/content/difficulty.ts';
import { findAnswers, type Found } from '../lib/search/search-engine.ts';
import { excerpt, type Segment } from '../lib/search/search-excerpt.ts';
import { PAGEFIND_OPTIONS, type Pagefind, type PagefindData } from '../lib/search/search-pagefind.ts';
import { resultsStatus } from '../lib/search/search-status.ts';

/**
 * Answers listed for filters alone, in question order: all of them, since a
 * topic or a difficulty holds a few dozen at most and a reader filtering by
 * one expects to see its whole list.
 */
const MAX_LISTED = 100;
/** Answers shown for a query, best first (as many as the engine loads to rank by title). */
const MAX_RANKED = 10;
const base = import.meta.env.BASE_URL;
const dialog = document.getElementById('search') as HTMLDialogElement;
const input = document.getElementById('search-input') as HTMLInputElement;
const status = document.getElementById('search-status') as HTMLElement;
const list = document.getElementById('search-results') as HTMLOListElement;
const filters = dialog.querySelectorAll<HTMLInputElement>('input[name="search-difficulty"]');
const topicSelect = document.getElementById('search-topic') as HTMLSelectElement;

let pagefind: Promise<Pagefind> | undefined;
function loadPagefind(): Promise<Pagefind> {
  if (pagefind) return pagefind;
  pagefind = import(/* @vite-ignore */ `${base}pagefind/pagefind.js`).then(
    async (pf: Pagefind & { init(): Promise<void> }) => {
      // A query runs several small searches and reads a few pages' data: on
      // the main thread, as in Node's relevance test, each takes a fraction
      // of a millisecond; through Pagefind's Web Worker each is a round trip.
      await pf.options({ baseUrl: base, noWorker: true, ...PAGEFIND_OPTIONS });
      await pf.init();
      return pf;
    },
  );
  // A load that failed (a dropped connection) is tried again on the next search.
  pagefind.catch(() => {
    pagefind = undefined;
  });
  return pagefind;
}

interface Searched {
  /** The engine's report; absent for filters alone. */
  found?: Found;
  /** The answers to show, with where each concept matched. */
  pages: { data: PagefindData; words: number[][] }[];
  /** Answers found in all. */
  count: number;
}

/**
 * Runs a search as the dialog does: `term` (empty for filters alone) under
 * the `chosen` filters, with the data of the answers to show loaded.
 * Exported for the benchmark, which times it in the browser.
 */
export async function search(term: string, chosen: Record<string, string> = {}): Promise<Searched> {
  const pf = await loadPagefind();
  if (!term) {
    // Filters alone list their answers in question order.
    const found = await pf.search(null, { filters: chosen, sort: { number: 'asc' } });
    const results = found?.results ?? [];
    return {
      pages: await Promise.all(results.slice(0, MAX_LISTED).map(async (r) => ({ data: await r.data(), words: [] }))),
      count: results.length,
    };
  }
  const found = await findAnswers(pf, term, chosen);
  const pages = await Promise.all(
    found.hits.slice(0, MAX_RANKED).map(async (hit) => ({ data: await hit.data(), words: hit.words })),
  );
  return { found, pages, count: found.hits.length };
}

/**
 * Search as the reader types, with no pause to wait out: a search starts at
 * once when none is running; input that arrives during one marks it stale,
 * and when it ends, its results are dropped and one search runs for what the
 * box holds then. So a burst of keystrokes costs at most one search behind
 * the last of them, and nothing superseded is ever shown.
 */
let busy = false;
let stale = false;
function schedule(): void {
  if (busy) {
    stale = true;
    return;
  }
  busy = true;
  stale = false;
  void run().finally(() => {
    busy = false;
    if (stale) schedule();
  });
}

async function run(): Promise<void> {
  let result: Searched | undefined;
  // Pagefind first: what was typed while it loaded is read after, so that
  // input is not news any more.
  const ready = await loadPagefind().then(
    () => true,
    () => false,
  );
  stale = false;
  const term = input.value.trim();
  const difficulty = [...filters].find((f) => f.checked)?.value ?? '';
  const topic = topicSelect.value;
  if (ready && (term || difficulty || topic)) {
    try {
      result = await search(term, { ...(difficulty && { difficulty }), ...(topic && { topic }) });
    } catch {
      result = undefined;
    }
  }
  if (stale) return; // The box or a filter changed: the next search shows.
  delete list.dataset.searched;
  if (!term && !difficulty && !topic) {
    list.replaceChildren();
    status.textContent = '';
    return;
  }
  if (!result) {
    // Never leave an earlier query's results under this one.
    list.replaceChildren();
    status.textContent = 'Search could not load. Reload the page to try again (locally: npm run build, then npm run preview).';
    return;
  }
  list.replaceChildren(...result.pages.map(({ data, words }) => renderResult(data, words)));
  // What the list shows results for (the benchmark waits for it).
  list.dataset.searched = term;
  status.textContent = resultsStatus({
    term,
    count: result.count,
    shown: result.pages.length,
    filtered: Boolean(difficulty || topic),
    found: result.found,
  });
}

/** Text and `<mark>`s; the excerpt is plain text, never parsed as HTML. */
function marked(segments: readonly Segment[]): (string | HTMLElement)[] {
  return segments.map((s) => {
    if (!s.mark) return s.text;
    const mark = document.createElement('mark');
    mark.textContent = s.text;
    return mark;
  });
}

function renderResult(page: PagefindData, words: number[][]): HTMLLIElement {
  const shown = excerpt(page, words);
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = page.url;
  link.className = 'result';
  const title = document.createElement('span');
  title.className = 'result-title';
  title.append(`Q${Number(page.meta.number)}. `, ...marked(shown.title));
  link.append(title);
  const difficulty = page.filters.difficulty?.[0];
  if (difficulty) {
    const badge = document.createElement('span');
    badge.className = `badge badge-${difficulty}`;
    badge.textContent = BANDS.find((b) => b.difficulty === difficulty)?.label ?? difficulty;
    link.append(badge);
  }
  const text = document.createElement('span');
  text.className = 'result-excerpt';
  if (shown.section) {
    const section = document.createElement('span');
    section.className = 'result-section';
    section.textContent = `${shown.section}: `;
    text.append(section);
  }
  text.append(...marked(shown.text));
  link.append(text);
  item.append(link);
  return item;
}

function resultLinks(): HTMLAnchorElement[] {
  return [...list.querySelectorAll<HTMLAnchorElement>('a.result')];
}

input.addEventListener('input', schedule);
for (const filter of [...filters, topicSelect]) filter.addEventListener('change', schedule);

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
// (with the box and the filters empty, nothing is shown).
schedule();
