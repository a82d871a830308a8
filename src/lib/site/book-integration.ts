import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { BOOK_PARTS, bookPlaces, scopeBook } from './book.ts';
import { bookPath, withBase } from './links.ts';

/** After the build, scopes the ids on each part of the book per answer and links answers across parts (see book.ts). */
export function bookIds(base: string, slugs: ReadonlyMap<number, string>): AstroIntegration {
  return {
    name: 'handbook-book-ids',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const places = bookPlaces(slugs, base);
        for (const { difficulty, file } of BOOK_PARTS) {
          const path = fileURLToPath(new URL(file, dir));
          writeFileSync(path, scopeBook(readFileSync(path, 'utf8'), withBase(bookPath(difficulty), base), places));
        }
        logger.info(`scoped ids of ${slugs.size} answers in the ${BOOK_PARTS.length} parts of the book`);
      },
    },
  };
}
