import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { BOOK_PARTS } from '../site/book.ts';
import { filesUnder } from '../tooling/files.ts';
import { epubFromBook } from './epub-book.ts';
import { lightPalette } from './epub-clean.ts';
import { EPUB_PATH, fillSize } from './epub-download.ts';

export interface EpubBookOptions {
  /** Repository root: holds src/styles/global.css (the palette) and the EPUB stylesheet. */
  root: string;
  title: string;
  description: string;
  /** Absolute URL of the site's home, base included. */
  url: string;
}

/**
 * After the build, and after the book's ids are scoped (so list it after
 * bookIds): makes the EPUB from the book's parts (dist/book/easy/index.html
 * and the other bands'), writes it to
 * dist/backend-interview-handbook.epub, and writes its size into the pages
 * that link to it.
 */
export function epubBook({ root, title, description, url }: EpubBookOptions): AstroIntegration {
  return {
    name: 'handbook-epub',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const started = performance.now();
        const pages = BOOK_PARTS.map(({ file }) => ({ file, html: readFileSync(fileURLToPath(new URL(file, dir)), 'utf8') }));
        const epub = epubFromBook(pages, {
          info: { title, description, url, modified: buildDate() },
          css: readFileSync(`${root}src/lib/epub/epub.css`, 'utf8'),
          palette: lightPalette(readFileSync(`${root}src/styles/global.css`, 'utf8')),
        });
        writeFileSync(fileURLToPath(new URL(EPUB_PATH, dir)), epub.bytes);
        let links = 0;
        for (const file of filesUnder(fileURLToPath(dir)).filter((f) => f.endsWith('.html'))) {
          const filled = fillSize(readFileSync(file, 'utf8'), epub.bytes.length);
          if (filled.count === 0) continue;
          writeFileSync(file, filled.html);
          links += filled.count;
        }
        const ms = Math.round(performance.now() - started);
        logger.info(`wrote ${EPUB_PATH}: ${epub.answers} answers, ${epub.bytes.length} bytes, size shown on ${links} links (${ms} ms)`);
      },
    },
  };
}

/**
 * The book's modified date: now, or SOURCE_DATE_EPOCH (seconds) when set,
 * the reproducible-builds convention, so two builds of one commit can agree.
 * @see https://reproducible-builds.org/specs/source-date-epoch/
 */
export function buildDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date(Math.floor(Date.now() / 1000) * 1000);
  if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970; got "${epoch}"`);
  return new Date(Number(epoch) * 1000);
}
