/**
 * The content collection's loader (src/content.config.ts). Astro's glob
 * loader finds and reads the pages; each page passes `checkQuestions`, the
 * same check the build and `npm run check` run, before the collection schema
 * sees it. In `astro dev` this is what reports a mistake made after start-up,
 * with the same message.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { checkQuestions } from './content-check.ts';
import { failOnProblems } from './content-problem.ts';

/** `inner`, with every page it hands to the collection checked first. */
export function checkedLoader(inner: Loader): Loader {
  return {
    name: `handbook-checked-${inner.name}`,
    load: (context) => {
      const root = fileURLToPath(context.config.root);
      return inner.load({
        ...context,
        parseData: async (entry) => {
          if (entry.filePath) {
            const page = { path: relative(root, entry.filePath), text: readFileSync(entry.filePath, 'utf8') };
            failOnProblems(checkQuestions([page]).problems);
          }
          return context.parseData(entry);
        },
      });
    },
  };
}
