// Lists every answer by the day it was last reviewed, oldest first, and warns
// about reviews older than a year. Malformed or future days fail `npm run check`.
// Usage: npm run freshness
import { fileURLToPath } from 'node:url';
import { checkQuestions } from '../src/lib/content/content-check.ts';
import { formatProblems } from '../src/lib/content/content-problem.ts';
import { readQuestionSources } from '../src/lib/content/question-files.ts';
import { reviewAges, STALE_AFTER_DAYS } from '../src/lib/content/freshness.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { questions, problems } = checkQuestions(readQuestionSources(root));
if (problems.length) {
  console.error(formatProblems(problems));
  process.exit(1);
}
const ages = reviewAges(questions, new Date());
for (const a of ages) {
  const flag = a.stale ? `  due for review (over ${STALE_AFTER_DAYS} days)` : '';
  console.log(`${a.lastReviewed}  ${String(a.ageDays).padStart(4)} d  Q${String(a.id).padEnd(3)} ${a.file}${flag}`);
}
const stale = ages.filter((a) => a.stale).length;
console.log(`${ages.length} answers, ${stale} due for review`);
