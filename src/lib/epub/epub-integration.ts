import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { localModules } from '../demos/demo-cache.ts';
import { BOOK_PARTS } from '../site/book.ts';
import { type BuildCache, buildCache, cachedBytes, dropOtherResults } from '../tooling/build-cache.ts';
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
  /** Where the last EPUB is kept with its inputs' key (epubCache); none: always made. */
  cache?: BuildCache;
}

/** Where the EPUB of the last build is kept; `npm run bench` clears it for a cold build. */
export const epubCacheDir = (root: string) => join(root, '.cache/epub');

/**
 * The build's store of EPUBs, keyed by the book's pages and stylesheets
 * (the input) and by every module epub-book.ts imports and the locked
 * packages. Making the EPUB takes ~1.7 s of a warm build (2026-12-02),
 * while the book pages it reads change only with an answer.
 */
export const epubCache = (root: string): BuildCache =>
  buildCache(root, epubCacheDir(root), localModules(fileURLToPath(new URL('./epub-book.ts', import.meta.url))));

/**
 * After the build, and after the book's ids are scoped (so list it after
 * bookIds): makes the EPUB from the book's parts (dist/book/easy/index.html
 * and the other bands'), writes it to
 * dist/backend-interview-handbook.epub, and writes its size into the pages
 * that link to it.
 */
export function epubBook({ root, title, description, url, cache }: EpubBookOptions): AstroIntegration {
  return {
    name: 'handbook-epub',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const started = performance.now();
        const pages = BOOK_PARTS.map(({ file }) => ({ file, html: readFileSync(fileURLToPath(new URL(file, dir)), 'utf8') }));
        const css = readFileSync(`${root}src/lib/epub/epub.css`, 'utf8');
        const globalCss = readFileSync(`${root}src/styles/global.css`, 'utf8');
        // The modified date is left out: a book kept from an earlier build keeps that build's date.
        const input = JSON.stringify([title, description, url, process.env.SOURCE_DATE_EPOCH ?? null, css, globalCss, pages]);
        let made = 'kept from an earlier build: its pages are unchanged';
        const make = () => {
          const epub = epubFromBook(pages, { info: { title, description, url, modified: buildDate() }, css, palette: lightPalette(globalCss) });
          made = `${epub.answers} answers`;
          return epub.bytes;
        };
        let bytes: Uint8Array;
        if (cache) {
          bytes = cachedBytes(cache, input, 'epub', make).bytes;
          // Only this build's book is ever wanted again; the rest are megabytes each.
          dropOtherResults(cache, input, 'epub');
        } else {
          bytes = make();
        }
        writeFileSync(fileURLToPath(new URL(EPUB_PATH, dir)), bytes);
        let links = 0;
        for (const file of filesUnder(fileURLToPath(dir)).filter((f) => f.endsWith('.html'))) {
          const filled = fillSize(readFileSync(file, 'utf8'), bytes.length);
          if (filled.count === 0) continue;
          writeFileSync(file, filled.html);
          links += filled.count;
        }
        const ms = Math.round(performance.now() - started);
        logger.info(`wrote ${EPUB_PATH}: ${made}, ${bytes.length} bytes, size shown on ${links} links (${ms} ms)`);
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
