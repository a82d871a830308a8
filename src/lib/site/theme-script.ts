/**
 * The one inline script: it runs before first paint, so a stored theme (and
 * practice's hide-answers mode) applies without a flash. Everything else is
 * an external module. The Content-Security-Policy allows this script by its
 * SHA-256 hash (csp.ts), so its text lives here, once, for both.
 */
export const THEME_SCRIPT = `(() => {
  const root = document.documentElement;
  root.classList.add('js');
  try {
    const theme = localStorage.getItem('theme');
    if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
    if (localStorage.getItem('hide-answers') === '1') root.classList.add('hide-answers');
  } catch {}
})();`;
