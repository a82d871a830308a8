// The real content against the rules: frontmatter vs the seed and the
// content lint (src/lib/content/content-lint.ts) per page; every snippet module
// tested, its regions valid, shown and narrow enough for a phone.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkQuestions } from '../../src/lib/content/content-check.ts';
import { lintPages } from '../../src/lib/content/content-lint.ts';
import { formatProblems } from '../../src/lib/content/content-problem.ts';
import { parseQuestionFileName, readQuestionSources } from '../../src/lib/content/question-files.ts';
import { parseRegions } from '../../src/lib/markdown/regions.ts';
import { pageSnippets, testPathsFor } from '../../src/lib/markdown/snippet-usage.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pages = readQuestionSources(root);
const MAX_COLUMNS = 80;
const readRepoFile = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);

/** A snippet module, not a test, fixture or package marker. */
const isModule = (name: string) =>
  (name.endsWith('.ts') && !name.endsWith('.test.ts')) ||
  (name.endsWith('.py') && !/^(test_.*|.*_test|conftest|__init__)\.py$/.test(name));

function snippetModules(dir = join(root, 'snippets')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return snippetModules(path);
    return isModule(entry.name) ? [relative(root, path)] : [];
  });
}

describe('answer pages', () => {
  it('all pass the frontmatter rules', () => {
    const { problems } = checkQuestions(pages);
    expect(problems, formatProblems(problems)).toEqual([]);
  });

  it('answer all 100 questions, each id once', () => {
    const ids = pages.flatMap((p) => parseQuestionFileName(basename(p.path))?.id ?? []);
    const missing = Array.from({ length: 100 }, (_, i) => i + 1).filter((id) => !ids.includes(id));
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(
      { missing, twice },
      `every question 1-100 needs exactly one page, content/questions/NNN-<slug>.mdx (CONTRIBUTING.md); ` +
        `missing: ${missing.join(', ') || 'none'}; more than one page: ${twice.join(', ') || 'none'}`,
    ).toEqual({ missing: [], twice: [] });
  });

  it('match a vendored seed that equals ../shared/seed when it is present', () => {
    const shared = join(root, '../shared/seed/questions.json');
    if (!existsSync(shared)) return;
    expect(JSON.parse(readFileSync(join(root, 'content/seed/questions.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(shared, 'utf8')));
  });

  it('pass the content lint with no errors (sections, snippets, placeholders, links)', () => {
    const errors = lintPages(pages, readRepoFile).filter((i) => i.severity === 'error');
    expect(errors, formatProblems(errors)).toEqual([]);
  });
});

describe('snippets', () => {
  const modules = snippetModules();
  const used = new Set(pages.flatMap((p) => pageSnippets(p.text).refs.map((r) => `snippets/${r.file}#${r.region}`)));

  it.each(modules)('%s has a test beside it, valid regions, all shown, none too wide', (module) => {
    const tests = testPathsFor(module);
    expect(tests.some((test) => existsSync(join(root, test))), `${module}: add ${tests.join(' or ')}; every snippet module is tested`).toBe(true);
    const regions = parseRegions(readFileSync(join(root, module), 'utf8'), module);
    for (const region of regions.values()) {
      expect(used.has(`${module}#${region.name}`), `${module}: region "${region.name}" is shown on no page; use it or remove its markers`).toBe(true);
      region.code.split('\n').forEach((line, i) => {
        expect(line.length, `${module}:${region.startLine + i}: ${line.length} columns; keep shown lines to ${MAX_COLUMNS} for phones`).toBeLessThanOrEqual(MAX_COLUMNS);
      });
    }
  });
});
