import { BANDS } from '../content/difficulty.ts';
import { answersFromBook, type BookPage } from './book-answers.ts';
import { cleanForEpub } from './epub-clean.ts';
import {
  chapterFile, NAV, navDocument, partPage, QUICK_REVIEW, quickReview, STYLESHEET, titlePage, xhtmlDocument,
  type BookInfo, type Part,
} from './epub-documents.ts';
import { linkChapters, unresolvedRefs, type Chapter } from './epub-links.ts';
import { containerXml, CONTENT_DIR, coverSvg, PACKAGE_FILE, packageDocument, type ManifestItem } from './epub-package.ts';
import { elements, isSvg, toXhtml } from './xhtml.ts';
import { writeZip, type ZipEntry } from './zip-writer.ts';

/**
 * The whole handbook as an EPUB 3, made from the built book's three parts: a
 * title page, then per difficulty an opening page and one chapter per
 * answer, then the quick review of short answers. Links between answers
 * lead from chapter to chapter.
 */
export interface EpubOptions {
  info: BookInfo;
  /** The stylesheet's fixed part (src/lib/epub/epub.css). */
  css: string;
  /** Site colour variables to the colours diagrams get (see lightPalette). */
  palette: ReadonlyMap<string, string>;
}

export const EPUB_MEDIA_TYPE = 'application/epub+zip';
const XHTML = 'application/xhtml+xml';
const TITLE = 'title.xhtml';
const COVER = 'cover.svg';

export interface Epub {
  bytes: Buffer;
  /** How many answers it holds. */
  answers: number;
}

/** The EPUB of the book's part pages (each band's, in any order: chapters follow the ids). */
export function epubFromBook(pages: readonly BookPage[], { info, css, palette }: EpubOptions): Epub {
  const answers = answersFromBook(pages);
  const tokenColours = new Set<string>();
  for (const answer of answers) for (const c of cleanForEpub(answer.article, palette).tokenColours) tokenColours.add(c);

  const chapters: Chapter[] = answers.map((a) => ({ file: chapterFile(a.id), nodes: [a.article] }));
  linkChapters(chapters, info.url);
  for (const { file, nodes } of chapters) {
    const missing = unresolvedRefs(nodes);
    if (missing.length) throw new Error(`${file}: ${missing.map((m) => `#${m}`).join(', ')} name no id in the chapter`);
  }

  const parts: Part[] = BANDS.map((band) => ({
    file: `part-${band.difficulty}.xhtml`, label: band.label, first: band.first, last: band.last,
    answers: answers.filter((a) => a.band === band),
  })).filter((part) => part.answers.length > 0);

  const files: (ManifestItem & { data: string })[] = [
    { href: TITLE, mediaType: XHTML, spine: true, data: titlePage(info, answers.length) },
    { href: NAV, mediaType: XHTML, spine: true, properties: ['nav'], data: navDocument(parts, TITLE) },
  ];
  for (const part of parts) {
    files.push({ href: part.file, mediaType: XHTML, spine: true, data: partPage(part) });
    for (const answer of part.answers) {
      const hasSvg = elements([answer.article]).some(isSvg);
      files.push({
        href: chapterFile(answer.id), mediaType: XHTML, spine: true, properties: hasSvg ? ['svg'] : [],
        data: xhtmlDocument(`Q${answer.id}. ${answer.title}`, toXhtml([answer.article])),
      });
    }
  }
  files.push(
    { href: QUICK_REVIEW, mediaType: XHTML, spine: true, data: quickReview(parts) },
    { href: STYLESHEET, mediaType: 'text/css', data: css + tokenCss(tokenColours) },
    { href: COVER, mediaType: 'image/svg+xml', properties: ['cover-image'], data: coverSvg(info, answers.length, colour(palette, '--accent')) },
  );

  const entries: ZipEntry[] = [
    { name: 'mimetype', data: EPUB_MEDIA_TYPE, store: true },
    { name: 'META-INF/container.xml', data: containerXml() },
    { name: PACKAGE_FILE, data: packageDocument(info, files) },
    ...files.map((f) => ({ name: `${CONTENT_DIR}/${f.href}`, data: f.data })),
  ];
  return { bytes: writeZip(entries, info.modified), answers: answers.length };
}

function colour(palette: ReadonlyMap<string, string>, name: string): string {
  const value = palette.get(name);
  if (!value) throw new Error(`the EPUB's cover uses the colour ${name}, which src/styles/global.css does not define as light-dark(…) in :root`);
  return value;
}

/** One rule per code token colour in use: the light theme's colours, which read on paper-white pages. */
function tokenCss(colours: ReadonlySet<string>): string {
  return [...colours].sort().map((c) => `.l-${c} { color: #${c}; }\n`).join('');
}
