import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { scopeBook } from './book.ts';
import { questionPath, withBase } from './links.ts';

/** After the build, scopes the ids on /book/ per answer (see book.ts). */
export function bookIds(base: string, slugs: ReadonlyMap<number, string>): AstroIntegration {
  return {
    name: 'handbook-book-ids',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const file = fileURLToPath(new URL('book/index.html', dir));
        const paths = new Map([...slugs].map(([id, slug]) => [withBase(questionPath(slug), base), id]));
        writeFileSync(file, scopeBook(readFileSync(file, 'utf8'), paths));
        logger.info(`scoped ids of ${slugs.size} answers in book/index.html`);
      },
    },
  };
}
