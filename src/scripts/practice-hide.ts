// "Hide answers" on question pages: the short answer and the body wait
// behind "Show answer", then "Knew it" or "Review again" records a review.
// practice-boot.ts loads this on the toggle's first click, or at once when
// the mode is on; Base.astro's inline script sets the class before paint.
import type { Grade } from '../lib/practice/schedule.ts';
import { grade } from './progress-store.ts';

/** The stored mode; Base.astro's inline script reads the same key. */
const MODE_KEY = 'hide-answers';
const root = document.documentElement;
const toggle = document.querySelector<HTMLButtonElement>('[data-hide-answers]')!;
const gate = document.querySelector<HTMLElement>('[data-answer-gate]')!;
const status = gate.querySelector<HTMLElement>('[data-grade-status]')!;
toggle.setAttribute('aria-pressed', String(root.classList.contains('hide-answers')));

/** Flips the mode, remembers it, and says so on the toggle. */
export function toggleHideAnswers(): void {
  const on = !root.classList.contains('hide-answers');
  root.classList.toggle('hide-answers', on);
  root.classList.remove('answer-shown');
  toggle.setAttribute('aria-pressed', String(on));
  try {
    if (on) localStorage.setItem(MODE_KEY, '1');
    else localStorage.removeItem(MODE_KEY);
  } catch {
    // Storage refused: the mode lasts for this page.
  }
}

gate.querySelector('[data-answer-reveal]')!.addEventListener('click', () => {
  root.classList.add('answer-shown');
  // The revealed answer's heading takes focus, so reading goes on from there.
  const heading = document.getElementById('short-answer')!;
  heading.tabIndex = -1;
  heading.focus();
});

for (const button of gate.querySelectorAll<HTMLButtonElement>('[data-grade]')) {
  button.addEventListener('click', () => {
    grade(Number(gate.dataset.questionId), button.dataset.grade as Grade);
    status.textContent = button.dataset.grade === 'knew' ? 'Saved as known.' : 'Saved to review again.';
  });
}
