// Lints every answer: frontmatter, sections, snippet references and their
// tests, placeholders left in, and length. Prints each issue with file:line.
// Usage: node scripts/check-content.ts   (exit 1 on any error; warnings only print)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readQuestionSources } from '../src/lib/content-check.ts';
import { formatIssues, lintPages } from '../src/lib/content-lint.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readFile = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
const pages = readQuestionSources(root);
const issues = lintPages(pages, readFile);
const errors = issues.filter((i) => i.severity === 'error');
const warnings = issues.filter((i) => i.severity === 'warning');
if (warnings.length) console.warn(`${warnings.length} content warning${warnings.length === 1 ? '' : 's'} (STYLE.md):\n${formatIssues(warnings)}`);
if (errors.length) {
  console.error(`${errors.length} content error${errors.length === 1 ? '' : 's'} (CONTRIBUTING.md explains each rule):\n${formatIssues(errors)}`);
  process.exit(1);
}
console.log(`${pages.length} answers: content OK${warnings.length ? ` (${warnings.length} warnings)` : ''}`);
