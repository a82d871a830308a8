// The one script every page loads: theme toggle, copy buttons, and the
// search opener. Search itself (and Pagefind), the code runner and its
// editor are imported on first use.

const root = document.documentElement;
const prefersDark = matchMedia('(prefers-color-scheme: dark)');

function currentTheme(): 'light' | 'dark' {
  const chosen = root.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return prefersDark.matches ? 'dark' : 'light';
}

const toggle = document.querySelector<HTMLButtonElement>('[data-theme-toggle]');
function syncToggle(): void {
  toggle?.setAttribute('aria-pressed', String(currentTheme() === 'dark'));
}
toggle?.addEventListener('click', () => {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  root.dataset.theme = next;
  try {
    localStorage.setItem('theme', next);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this page.
  }
  syncToggle();
});
prefersDark.addEventListener('change', syncToggle);
syncToggle();

// A copy button copies its data-copy text (a command), or its figure's code.
// A Run button loads the code runner (run.ts) on its first press, an Edit
// button the editor (run-edit.ts).
document.addEventListener('click', async (event) => {
  const target = event.target as Element;
  const runner = target.closest<HTMLButtonElement>('[data-run]');
  if (runner) void import('./run.ts').then((m) => m.run(runner));
  const editor = target.closest<HTMLButtonElement>('[data-edit]');
  if (editor) void import('./run-edit.ts').then((m) => m.toggleEditor(editor));
  const button = target.closest<HTMLButtonElement>('[data-copy]');
  const code = button?.closest('figure')?.querySelector('pre code');
  if (!button || !code) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(button.dataset.copy || code.textContent || '');
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Press Ctrl+C';
    getSelection()?.selectAllChildren(code);
  }
  setTimeout(() => (button.textContent = label), 2000);
});

document.querySelector('[data-print]')?.addEventListener('click', () => print());

// A heading's "#" link navigates as usual and also copies its URL.
const toast = document.querySelector<HTMLElement>('[data-toast]');
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element).closest<HTMLAnchorElement>('a.anchor');
  if (!anchor || !toast) return;
  navigator.clipboard?.writeText(anchor.href).then(() => {
    toast.textContent = 'Link copied';
    setTimeout(() => (toast.textContent = ''), 2000);
  }, () => {});
});

// The dialog is in the page already, so it opens and takes keystrokes at
// once; its behaviour (search.ts, then Pagefind) loads behind it.
const dialog = document.getElementById('search') as HTMLDialogElement | null;
let search: Promise<unknown> | undefined;
const loadSearch = () => (search ??= import('./search.ts'));
function openSearch(): void {
  if (!dialog) return;
  if (!dialog.open) dialog.showModal();
  const input = dialog.querySelector<HTMLInputElement>('input[type="search"]');
  input?.focus();
  input?.select();
  void loadSearch();
}

for (const opener of document.querySelectorAll('[data-search-open]')) {
  opener.addEventListener('click', openSearch);
  // Start fetching on intent, so results come without a wait.
  opener.addEventListener('pointerenter', loadSearch, { once: true });
  opener.addEventListener('focus', loadSearch, { once: true });
}

// Practice mode loads where a page shows part of it, or on the toggle's first click.
const practice = () => import('./practice-boot.ts');
const hideToggle = document.querySelector('[data-hide-answers]');
const hiding = hideToggle && root.classList.contains('hide-answers');
if (hiding || document.querySelector('[data-practice]')) void practice();
// The progress line is built with a new reader's counts, so its modules
// (three, chained) can wait for the first paint. Fetched before it, they were
// on the path to home's LCP in Lighthouse's simulation: LCP 1,289 ms to
// FCP's 1,096 (bench of 2026-12-02). `buffered` replays a paint that came
// before this ran; a second entry imports the same module again, a no-op.
if (document.querySelector('[data-progress-summary]')) new PerformanceObserver(practice).observe({ type: 'paint', buffered: true });
hideToggle?.addEventListener('click', () => void practice().then((m) => m.toggleHideAnswers()));

document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  // Not while typing. closest() over isContentEditable and a tagName test
  // saved ~37 B gzip (2026-12-02, rolldown --minify of this file).
  if ((event.target as Element).closest('input,textarea,select,[contenteditable]')) return;
  event.preventDefault();
  openSearch();
});
