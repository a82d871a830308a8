import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';
import { checkQuestions, formatProblems, readQuestionSources } from './content-check.ts';

/**
 * Checks every answer's frontmatter before Astro builds anything, so a
 * contributor's mistake fails `astro build` and `astro dev` with the file,
 * line, field and fix, all problems at once.
 */
export function contentCheck(root: string): AstroIntegration {
  return {
    name: 'handbook-content-check',
    hooks: {
      'astro:config:setup': ({ logger }) => {
        const { questions, problems } = checkQuestions(readQuestionSources(root));
        if (problems.length) throw new AstroError(formatProblems(problems), 'Fix each line above; CONTRIBUTING.md explains every field.');
        logger.info(`${questions.length} answers checked`);
      },
    },
  };
}
