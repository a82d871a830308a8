/**
 * The build's content check: before Astro builds anything, every answer's
 * frontmatter passes `checkQuestions` (content-check.ts, the entry
 * `npm run check` and the collection's loader call too), and only then do
 * the demos the pages show start.
 */
import type { AstroIntegration } from 'astro';
import { checkQuestions } from './content-check.ts';
import { failOnProblems } from './content-problem.ts';
import { readQuestionSources, type SourceFile } from './question-files.ts';
import { prefetchPageDemos } from '../markdown/snippet-plugin.ts';

export interface ContentCheckOptions {
  /** Starts the demos the pages show; replaced in tests. */
  prefetch?: (root: string, pages: readonly SourceFile[]) => void;
}

/**
 * Fails `astro build` and `astro dev` on a contributor's mistake with the
 * file, line, field and fix, all problems at once. A page that fails the
 * check runs no code: its demos are prefetched only after every page passes.
 */
export function contentCheck(root: string, { prefetch = prefetchPageDemos }: ContentCheckOptions = {}): AstroIntegration {
  return {
    name: 'handbook-content-check',
    hooks: {
      'astro:config:setup': ({ logger }) => {
        const pages = readQuestionSources(root);
        const { questions, problems } = checkQuestions(pages);
        failOnProblems(problems);
        prefetch(root, pages);
        logger.info(`${questions.length} answer${questions.length === 1 ? '' : 's'} checked`);
      },
    },
  };
}
