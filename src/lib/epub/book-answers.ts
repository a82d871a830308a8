import { bandForId, type Band } from '../content/difficulty.ts';
import { attr, classes, elements, parseDocument, textOf, type Element } from './xhtml.ts';

/**
 * The answers of the built one-page book (/book/, src/pages/book.astro),
 * after its ids were scoped per answer (src/lib/site/book.ts): the EPUB is
 * made from exactly what the site renders, so it shows the same text, code,
 * demo output and diagrams.
 */
export interface BookAnswer {
  id: number;
  band: Band;
  title: string;
  /** The short answer, as plain text. */
  summary: string;
  /** The `<article class="book-answer" id="qN">`, parsed. */
  article: Element;
}

/** Every answer of the book page's HTML, in id order; throws when the page is not the book. */
export function answersFromBook(html: string): BookAnswer[] {
  const answers: BookAnswer[] = [];
  for (const element of elements(parseDocument(html))) {
    if (element.tagName !== 'article' || !classes(element).includes('book-answer')) continue;
    const id = Number(/^q(\d+)$/.exec(attr(element, 'id') ?? '')?.[1]);
    if (!Number.isInteger(id)) throw new Error(`book page: <article class="book-answer"> has id="${attr(element, 'id')}"; expected q and the question's number`);
    answers.push({
      id,
      band: bandForId(id),
      title: oneText(element, 'h2', 'book-title', id),
      summary: oneText(element, 'div', 'short-answer', id, 'p'),
      article: element,
    });
  }
  if (answers.length === 0) throw new Error('book page has no <article class="book-answer" id="qN">; is src/pages/book.astro building it?');
  answers.sort((a, b) => a.id - b.id);
  answers.forEach((a, i) => {
    if (i > 0 && answers[i - 1]!.id === a.id) throw new Error(`book page holds Q${a.id} twice`);
  });
  return answers;
}

/** The text of the one `<tag class="…">` in an answer (or of its `inner` child), whitespace collapsed. */
function oneText(article: Element, tag: string, className: string, id: number, inner?: string): string {
  const found = elements(article.childNodes).filter((e) => e.tagName === tag && classes(e).includes(className));
  if (found.length !== 1) throw new Error(`book page: Q${id} has ${found.length} <${tag} class="${className}">; expected one`);
  const target = inner ? elements(found[0]!.childNodes).find((e) => e.tagName === inner) : found[0];
  if (!target) throw new Error(`book page: Q${id}'s <${tag} class="${className}"> has no <${inner}>`);
  return textOf(target).replace(/\s+/g, ' ').trim();
}
