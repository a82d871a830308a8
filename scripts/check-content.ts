// Checks every answer's frontmatter and prints each problem with file:line.
// Usage: node scripts/check-content.ts   (exit 1 when anything needs fixing)
import { fileURLToPath } from 'node:url';
import { checkQuestions, formatProblems, readQuestionSources } from '../src/lib/content-check.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { questions, problems } = checkQuestions(readQuestionSources(root));
if (problems.length) {
  console.error(formatProblems(problems));
  process.exit(1);
}
console.log(`${questions.length} answers: frontmatter OK`);
