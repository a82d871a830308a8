/**
 * The one inline script: it runs before first paint, so a stored theme (and
 * practice's hide-answers mode) applies without a flash. Everything else is
 * an external module. The Content-Security-Policy allows this script by its
 * SHA-256 hash (csp.ts), so its text lives here, once, for both.
 *
 * Written compact, as a minifier would leave it: it is inline in every page,
 * and its bytes count against the 2 KB of JavaScript a page may load before
 * the reader does anything (tests/site/budgets.test.ts).
 */
export const THEME_SCRIPT = "{const r=document.documentElement;r.classList.add('js');try{"
  + "const t=localStorage.getItem('theme');if(t==='light'||t==='dark')r.dataset.theme=t;"
  + "if(localStorage.getItem('hide-answers')==='1')r.classList.add('hide-answers')}catch{}}";
