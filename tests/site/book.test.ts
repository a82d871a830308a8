// The book as built by npm run build:test: a short front page (/book/) and a
// page per difficulty (/book/easy/, …), each holding its band's answers with
// ids scoped per answer (src/lib/site/book.ts). Whether the links resolve
// is checked for every page in built-site.test.ts; here, that the book is
// whole, in order, and its answers link each other inside it.
import { describe, expect, it } from 'vitest';
import { BANDS, bandForId } from '../../src/lib/content/difficulty.ts';
import { BOOK_PARTS } from '../../src/lib/site/book.ts';
import { bookPath } from '../../src/lib/site/links.ts';
import { TEST_BASE } from '../site-under-test.ts';
import { builtPages, idsIn } from './dist.ts';

const pages = builtPages();
const htmlOf = (file: string) => {
  const page = pages.find((p) => p.file === file);
  if (!page) throw new Error(`dist/${file} is missing: is src/pages/book/ building it?`);
  return page.html;
};
const answerIds = pages
  .filter((p) => p.file.startsWith('questions/'))
  .map((p) => Number(/data-pagefind-meta="number:(\d+)"/.exec(p.html)?.[1]))
  .sort((a, b) => a - b);
const front = htmlOf('book/index.html');
const parts = BOOK_PARTS.map(({ difficulty, file }) => ({ difficulty, file, html: htmlOf(file) }));
const articleIds = (html: string) => [...html.matchAll(/<article class="book-answer" id="q(\d+)"/g)].map((m) => Number(m[1]));

describe('the book', () => {
  it('holds every answer once across its parts, each part its own band in id order', () => {
    expect(answerIds.length).toBeGreaterThan(0);
    const held = parts.flatMap(({ difficulty, html }) => {
      const ids = articleIds(html);
      expect(ids, `book/${difficulty}/`).toEqual([...ids].sort((a, b) => a - b));
      expect(ids.filter((id) => bandForId(id).difficulty !== difficulty), `answers of another band in book/${difficulty}/`).toEqual([]);
      return ids;
    });
    expect(held).toEqual(answerIds);
  });

  it('lists every answer on its front page, linked to the part that holds it, with each part\'s count', () => {
    const listed = [...front.matchAll(/<li value="(\d+)"><a href="([^"]+)">/g)].map((m) => [Number(m[1]), m[2]]);
    expect(listed).toEqual(answerIds.map((id) => [id, `${TEST_BASE}${bookPath(bandForId(id).difficulty)}#q${id}`]));
    for (const band of BANDS) {
      const count = answerIds.filter((id) => bandForId(id) === band).length;
      expect(front).toContain(`Questions ${band.first}–${band.last} · ${count} answers`);
    }
  });

  it('keeps the front page small: the answers are on the parts', () => {
    expect(articleIds(front)).toEqual([]);
    expect(front.length, 'book/index.html in bytes').toBeLessThan(50_000);
  });

  it.each(parts.map((p) => [p.file, p.html]))('%s has unique ids, and every id reference and diagram paint names one of them', (_, html) => {
    const all = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(all.filter((id, i) => all.indexOf(id) !== i)).toEqual([]);
    const ids = idsIn(html);
    const refs = [
      ...[...html.matchAll(/\s(?:aria-labelledby|aria-describedby|aria-controls|for)="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s+/)),
      ...[...html.matchAll(/="url\(#([^)"]+)\)"/g)].map((m) => m[1]!),
    ];
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ids.has(ref))).toEqual([]);
  });

  it('links answers to answers inside the book, within a part and across parts, never back to a question page', () => {
    for (const { file, html } of parts) {
      expect(html, file).not.toContain(`href="${TEST_BASE}questions/`);
      expect(html, file).toMatch(/<div class="prose">[\s\S]*href="#q\d+"/);
    }
    const hard = parts.find((p) => p.difficulty === 'hard')!.html;
    expect(hard).toMatch(new RegExp(`href="${TEST_BASE}book/easy/#q\\d+`));
  });
});
