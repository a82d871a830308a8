import type { BookAnswer } from './book-answers.ts';
import { escapeXml as x } from './xhtml.ts';

/**
 * The EPUB's own documents, around the answers: the title page, one opening
 * page per difficulty part, the quick-review appendix of short answers and
 * the navigation document. Each is an XHTML content document (EPUB 3.3,
 * section 6.1) linking the one stylesheet.
 * @see https://www.w3.org/TR/epub-33/#sec-xhtml
 */
export interface BookInfo {
  title: string;
  description: string;
  /** The site's address, where the living version is. */
  url: string;
  /** When the build made the book. */
  modified: Date;
}

/** The part of the book one difficulty band makes, and its answers in id order. */
export interface Part {
  file: string;
  label: string;
  first: number;
  last: number;
  answers: readonly BookAnswer[];
}

export const STYLESHEET = 'book.css';
export const chapterFile = (id: number): string => `q${String(id).padStart(3, '0')}.xhtml`;

/** A complete XHTML document around `body` (already XHTML). */
export function xhtmlDocument(title: string, body: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
    + '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en" lang="en">'
    + `<head><meta charset="utf-8"/><title>${x(title)}</title><link rel="stylesheet" type="text/css" href="${STYLESHEET}"/></head>`
    + `<body>${body}</body></html>\n`;
}

const answerLabel = (a: BookAnswer): string => `Q${a.id}. ${a.title}`;

export function titlePage(info: BookInfo, count: number): string {
  return xhtmlDocument(info.title, '<section class="title-page" epub:type="titlepage">'
    + `<h1>${x(info.title)}</h1><p class="subtitle">${x(info.description)}</p>`
    + `<p class="colophon">${count} answers, easy to hard. Made on ${info.modified.toISOString().slice(0, 10)} from the site at `
    + `<a href="${x(info.url, true)}">${x(info.url)}</a>, where every answer is kept up to date.</p></section>`);
}

export function partPage(part: Part): string {
  const items = part.answers.map((a) => `<li><a href="${chapterFile(a.id)}">${x(answerLabel(a))}</a></li>`).join('');
  return xhtmlDocument(part.label, `<section epub:type="part"><h1>${x(part.label)}</h1>`
    + `<p class="part-range">Questions ${part.first}–${part.last}: ${part.answers.length} in this book.</p>`
    + `<ol class="part-list">${items}</ol></section>`);
}

export const QUICK_REVIEW = 'quick-review.xhtml';

/** Every short answer on one page, by part: for a last look before an interview. */
export function quickReview(parts: readonly Part[]): string {
  const body = parts.map((part) => `<h2>${x(part.label)}</h2>`
    + part.answers.map((a) => `<section class="review-item" id="review-q${a.id}">`
      + `<h3><a href="${chapterFile(a.id)}">${x(answerLabel(a))}</a></h3><p>${x(a.summary)}</p></section>`).join('')).join('');
  return xhtmlDocument('Quick review', `<section epub:type="appendix"><h1>Quick review</h1>`
    + '<p>The short answer to every question, in order. Each title opens the full answer.</p>'
    + `${body}</section>`);
}

export const NAV = 'nav.xhtml';

/** The navigation document: the table of contents readers show, and landmarks. */
export function navDocument(parts: readonly Part[], titleFile: string): string {
  const partItems = parts.map((part) => `<li><a href="${part.file}">${x(part.label)}</a><ol>`
    + part.answers.map((a) => `<li><a href="${chapterFile(a.id)}">${x(answerLabel(a))}</a></li>`).join('')
    + '</ol></li>').join('');
  return xhtmlDocument('Contents', '<nav epub:type="toc" id="toc" class="contents"><h1>Contents</h1><ol>'
    + `<li><a href="${titleFile}">Title page</a></li>${partItems}<li><a href="${QUICK_REVIEW}">Quick review</a></li></ol></nav>`
    + '<nav epub:type="landmarks" hidden="hidden"><h2>Landmarks</h2><ol>'
    + `<li><a epub:type="titlepage" href="${titleFile}">Title page</a></li>`
    + `<li><a epub:type="toc" href="${NAV}#toc">Contents</a></li>`
    + (parts[0] ? `<li><a epub:type="bodymatter" href="${parts[0].file}">Start of the answers</a></li>` : '')
    + `<li><a epub:type="appendix" href="${QUICK_REVIEW}">Quick review</a></li></ol></nav>`);
}
