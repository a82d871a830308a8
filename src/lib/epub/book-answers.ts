import { bandForId, type Band } from '../content/difficulty.ts';
import { parseBookPage } from './code-blocks.ts';
import { attr, classes, elements, textOf, type Element } from './xhtml.ts';

/**
 * The answers of the built book: its three parts (/book/easy/, /book/medium/,
 * /book/hard/, src/pages/book/[difficulty].astro), after their ids were
 * scoped per answer (src/lib/site/book.ts). The EPUB is made from exactly
 * what the site renders, so it shows the same text, code, demo output and
 * diagrams.
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

/** One built page of the book: where it is in dist/ (for messages) and its HTML. */
export interface BookPage {
  file: string;
  html: string;
}

/**
 * Every answer of the book's part pages, in id order; throws, naming the
 * page, when one holds no answers or an answer is malformed, and when two
 * pages (or one) hold the same answer.
 */
export function answersFromBook(pages: readonly BookPage[]): BookAnswer[] {
  if (pages.length === 0) throw new Error('answersFromBook needs the pages of the book; it was given none');
  const answers: BookAnswer[] = [];
  const holder = new Map<number, string>();
  for (const { file, html } of pages) {
    const before = answers.length;
    for (const element of elements(parseBookPage(html))) {
      if (element.tagName !== 'article' || !classes(element).includes('book-answer')) continue;
      const id = Number(/^q(\d+)$/.exec(attr(element, 'id') ?? '')?.[1]);
      if (!Number.isInteger(id)) throw new Error(`${file}: <article class="book-answer"> has id="${attr(element, 'id')}"; expected q and the question's number`);
      const other = holder.get(id);
      if (other !== undefined) throw new Error(`the book holds Q${id} twice: in ${other}${other === file ? '' : ` and in ${file}`}`);
      holder.set(id, file);
      answers.push({
        id,
        band: bandForId(id),
        title: oneText(file, element, 'h2', 'book-title', id),
        summary: oneText(file, element, 'div', 'short-answer', id, 'p'),
        article: element,
      });
    }
    if (answers.length === before) throw new Error(`${file} has no <article class="book-answer" id="qN">; is src/pages/book/[difficulty].astro building it?`);
  }
  return answers.sort((a, b) => a.id - b.id);
}

/** The text of the one `<tag class="…">` in an answer (or of its `inner` child), whitespace collapsed. */
function oneText(file: string, article: Element, tag: string, className: string, id: number, inner?: string): string {
  const found = elements(article.childNodes).filter((e) => e.tagName === tag && classes(e).includes(className));
  if (found.length !== 1) throw new Error(`${file}: Q${id} has ${found.length} <${tag} class="${className}">; expected one`);
  const target = inner ? elements(found[0]!.childNodes).find((e) => e.tagName === inner) : found[0];
  if (!target) throw new Error(`${file}: Q${id}'s <${tag} class="${className}"> has no <${inner}>`);
  return textOf(target).replace(/\s+/g, ' ').trim();
}
