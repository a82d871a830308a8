/**
 * The one shape every content rule reports in, and the one way problems are
 * printed: by the build (content-integration.ts), the collection
 * (content-loader.ts) and `npm run check` (scripts/check-content.ts) alike.
 */
import { AstroError } from 'astro/errors';

/** One thing a contributor must fix (an error) or should look at (a warning), located to the line. */
export interface ContentProblem {
  /** Path from the repository root, like `content/questions/004-http-200-ok.mdx`. */
  file: string;
  /** 1-based line of `file` to look at. */
  line: number;
  /** Errors fail the build and `npm run check`; warnings are printed for the author to judge. */
  severity: 'error' | 'warning';
  /**
   * What is wrong (a frontmatter problem starts with its field path, like
   * `related[1]`), what was found, how to fix it, and the guide section
   * that explains the rule, in parentheses at the end.
   */
  message: string;
}

/**
 * The sections of the repository's own guides that messages point at.
 * content-problem.test.ts checks that each heading exists.
 */
export const GUIDE = {
  addAnswer: 'CONTRIBUTING.md#add-an-answer',
  frontmatter: 'CONTRIBUTING.md#frontmatter',
  body: 'CONTRIBUTING.md#the-body',
  snippets: 'CONTRIBUTING.md#snippets',
  parts: 'STYLE.md#the-parts-of-a-page',
  length: 'STYLE.md#length',
  code: 'STYLE.md#code',
  beforeReview: 'STYLE.md#before-you-open-the-pull-request',
} as const;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Every problem on its own line, by file and line, under a count: what a build or `npm run check` prints. */
export function formatProblems(problems: readonly ContentProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const counts = [errors && count(errors, 'error'), warnings && count(warnings, 'warning')].filter(Boolean).join(' and ');
  const lines = [...problems]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
    .map((p) => `  ${p.file}:${p.line}  ${p.severity}  ${p.message}`);
  return [`${counts || 'no problems'} in the content:`, ...lines].join('\n');
}

/** Stops Astro (a build, `astro dev`, a content sync) with every problem, formatted as above. */
export function failOnProblems(problems: readonly ContentProblem[]): void {
  if (problems.length) throw new AstroError(formatProblems(problems), `Fix each line above; ${GUIDE.frontmatter} explains every field.`);
}
