// Lints every answer: frontmatter, sections, snippet references and their
// tests, placeholders left in, and length. Prints each problem with file:line
// and the guide section that explains the rule.
// Usage: node scripts/check-content.ts   (exit 1 on any error; warnings only print)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblems } from '../src/lib/content/content-problem.ts';
import { lintPages } from '../src/lib/content/content-lint.ts';
import { readQuestionSources } from '../src/lib/content/question-files.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readFile = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
const pages = readQuestionSources(root);
const problems = lintPages(pages, readFile);
const errors = problems.filter((p) => p.severity === 'error').length;
if (problems.length) (errors ? console.error : console.warn)(formatProblems(problems));
if (errors) process.exit(1);
console.log(`${pages.length} answers: content OK${problems.length ? ` (${problems.length} warnings)` : ''}`);
