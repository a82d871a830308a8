// Practice sessions on /practice/: choose, then one card at a time. Loaded
// by site.ts only on that page. Cards are read from the plain <details>
// list the page shows without JavaScript.
import { BANDS, type Difficulty } from '../lib/content/difficulty.ts';
import { buildDeck, type Choice, choiceFromQuery, choiceToQuery, type DeckCard } from '../lib/practice/deck.ts';
import type { Grade } from '../lib/practice/schedule.ts';
import { grade, store } from './progress-store.ts';
import './progress-tools.ts';

interface Card extends DeckCard {
  title: string;
  summary: string;
  href: string;
}

const root = document.querySelector<HTMLElement>('[data-practice]')!;
const part = <T extends HTMLElement>(name: string) => root.querySelector<T>(`[data-practice-${name}]`)!;
const form = part<HTMLFormElement>('setup');
const cardView = part('card');
const endView = part('end');
const answer = part('answer');
const reveal = part<HTMLButtonElement>('reveal');
const live = part('live');

const cards: Card[] = [...document.querySelectorAll<HTMLElement>('[data-card]')].map((el) => ({
  id: Number(el.dataset.id),
  difficulty: el.dataset.difficulty as Difficulty,
  topics: (el.dataset.topics ?? '').split(' '),
  title: el.querySelector('[data-title]')!.textContent!,
  summary: el.querySelector('[data-summary]')!.textContent!,
  href: el.querySelector<HTMLAnchorElement>('[data-link]')!.href,
}));
const topics = [...form.topic.options].map((o: HTMLOptionElement) => o.value);

let choice: Choice;
let deck: Card[] = [];
let index = 0;
let tally = { knew: 0, again: 0 };

function show(view: 'setup' | 'card' | 'end'): void {
  form.hidden = view !== 'setup';
  cardView.hidden = view !== 'card';
  endView.hidden = view !== 'end';
}

function start(next: Choice): void {
  choice = next;
  history.replaceState(null, '', choiceToQuery(choice));
  deck = buildDeck(cards, choice, store.progress, new Date(), Math.random);
  index = 0;
  tally = { knew: 0, again: 0 };
  if (deck.length === 0) {
    show('setup');
    part('empty').textContent = choice.dueOnly
      ? 'Nothing is due for review with these choices. Untick "Only questions due for review" to practise them anyway.'
      : 'No answered question matches these choices yet. Try another difficulty or topic.';
    return;
  }
  part('empty').textContent = '';
  showCard();
}

function showCard(): void {
  const card = deck[index]!;
  const band = BANDS.find((b) => b.difficulty === card.difficulty)!;
  part('count').textContent = `Card ${index + 1} of ${deck.length}`;
  part('qnum').textContent = `Q${card.id}`;
  part('badge').className = `badge badge-${card.difficulty}`;
  part('badge').textContent = band.label;
  part('question').textContent = card.title;
  part('summary').textContent = card.summary;
  part<HTMLAnchorElement>('link').href = card.href;
  answer.hidden = true;
  reveal.hidden = false;
  show('card');
  reveal.focus();
  live.textContent = `Card ${index + 1} of ${deck.length}, Q${card.id}, ${band.label}: ${card.title}`;
}

function showAnswer(): void {
  if (cardView.hidden || !answer.hidden) return;
  answer.hidden = false;
  reveal.hidden = true;
  root.querySelector<HTMLButtonElement>('[data-grade="knew"]')!.focus();
  live.textContent = `Answer: ${deck[index]!.summary}`;
}

function mark(result: Grade): void {
  if (cardView.hidden || answer.hidden) return;
  grade(deck[index]!.id, result);
  tally[result]++;
  index++;
  if (index < deck.length) return showCard();
  const summary = `You knew ${tally.knew} of ${deck.length}; ${tally.again} to review again.`;
  part('result').textContent = summary;
  show('end');
  document.getElementById('practice-end-title')!.focus();
  live.textContent = `Session complete. ${summary}`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  start(choiceFromQuery(new URLSearchParams(new FormData(form) as unknown as Record<string, string>), topics));
});
reveal.addEventListener('click', showAnswer);
for (const button of root.querySelectorAll<HTMLButtonElement>('[data-grade]')) {
  button.addEventListener('click', () => mark(button.dataset.grade as Grade));
}
part('restart').addEventListener('click', () => start(choice));
for (const name of ['change', 'stop']) {
  part(name).addEventListener('click', () => {
    show('setup');
    form.querySelector('select')!.focus();
  });
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  const target = event.target as HTMLElement;
  if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  const key = event.key.toLowerCase();
  // On a focused button or link, Space and Enter already activate it.
  if ((key === ' ' || key === 'enter') && !/^(BUTTON|A|SUMMARY)$/.test(target.tagName)) {
    if (cardView.hidden || !answer.hidden) return;
    event.preventDefault();
    showAnswer();
  } else if (key === 'k' || key === 'r') {
    if (cardView.hidden || answer.hidden) return;
    event.preventDefault();
    mark(key === 'k' ? 'knew' : 'again');
  }
});

// With JavaScript the session replaces the plain list; a linked session starts at once.
document.querySelector<HTMLElement>('[data-practice-list]')!.hidden = true;
const params = new URLSearchParams(location.search);
// Without a link the form keeps what it shows: a reader may have chosen before this script ran.
if (params.has('difficulty')) {
  const linked = choiceFromQuery(params, topics);
  form.difficulty.value = linked.difficulty;
  form.topic.value = linked.topic;
  form.due.checked = linked.dueOnly;
  start(linked);
} else show('setup');
