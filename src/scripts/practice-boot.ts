// The one module site.ts imports for practice mode. It has no static
// imports, so site.ts stays small; it loads only the part a page shows.
const hideAnswers = () => import('./practice-hide.ts');

if (document.querySelector('[data-practice]')) void import('./practice.ts');
if (document.querySelector('[data-progress-summary]')) void import('./progress-summary.ts');
if (document.documentElement.classList.contains('hide-answers') && document.querySelector('[data-hide-answers]')) void hideAnswers();

/** The "Hide answers" toggle's click, wired by site.ts. */
export async function toggleHideAnswers(): Promise<void> {
  (await hideAnswers()).toggleHideAnswers();
}
