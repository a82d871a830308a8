import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countWords, lintPages } from './content-lint.ts';
import type { ContentProblem } from './content-problem.ts';

// One fixture page per mistake, with tiny snippet modules beside them.
const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/content/', import.meta.url));
const readFile = (path: string) => (existsSync(FIXTURES + path) ? readFileSync(FIXTURES + path, 'utf8') : undefined);
const lint = (name: string) => lintPages([{ path: name, text: readFileSync(FIXTURES + name, 'utf8') }], readFile);
const issue = (file: string, line: number, message: string, severity: ContentProblem['severity'] = 'error'): ContentProblem => ({ file, line, severity, message });

describe('lintPages over fixtures', () => {
  it('finds nothing wrong with a complete page', () => {
    expect(lint('004-clean.mdx')).toEqual([]);
  });

  it.each([
    ['004-bad-frontmatter.mdx', 4, 'difficulty must be "easy" for id 4 (ids 1–34 are easy); found "hard" (CONTRIBUTING.md#frontmatter)'],
    ['004-unknown-related.mdx', 7, 'related[1] must be from 1 to 100; found 101 (CONTRIBUTING.md#frontmatter)'],
    ['004-missing-region.mdx', 21, 'snippets/status.ts: no region "success" (regions in that file: ok, unfinished); mark it with "// #region success" … "// #endregion success" (CONTRIBUTING.md#snippets)'],
    ['004-untested-snippet.mdx', 21, 'snippets/untested.ts has no test; add snippets/untested.test.ts: every snippet shown on a page is tested (STYLE.md#code)'],
    ['004-no-references.mdx', 1, 'has no "## References" section; add it (STYLE.md#the-parts-of-a-page)'],
    ['004-no-common-mistakes.mdx', 1, 'has no "## Common mistakes" section; add it (STYLE.md#the-parts-of-a-page)'],
    ['004-todo.mdx', 29, 'still says "TODO"; finish or remove it before publishing (STYLE.md#before-you-open-the-pull-request)'],
    ['004-fixme-in-snippet.mdx', 21, 'snippets/status.ts region "unfinished" still says "FIXME"; finish the code before it is shown (STYLE.md#code)'],
    ['004-empty-table-header.mdx', 25, "a table's header row has an empty cell; name every column, since screen readers announce it for each cell below (CONTRIBUTING.md#the-body)"],
    ['004-path-link.mdx', 36, 'links /questions/http-500-internal-server-error/ by path; link answers by number, like [Q59](q:59), so links survive a sub-path deploy (CONTRIBUTING.md#the-body)'],
  ])('%s fails at line %i with what to fix', (name, line, message) => {
    expect(lint(name)).toEqual([issue(name, line, message)]);
  });

  it('reports an unknown field at its own line, listing every allowed field', () => {
    expect(lint('004-unknown-key.mdx')).toEqual([
      issue('004-unknown-key.mdx', 5, 'author is not a frontmatter field; allowed: id, title, difficulty, summary, topics, related, lastReviewed. Remove it or fix its spelling (CONTRIBUTING.md#frontmatter)'),
    ]);
  });

  it('ignores a <Snippet> written inside a code block or an MDX comment, as the build does', () => {
    const text = readFileSync(`${FIXTURES}004-clean.mdx`, 'utf8').replace(
      '## Trade-offs and pitfalls',
      '```mdx\n<Snippet file="gone.ts" region="x" />\n```\n\n{/* <Snippet file="gone.ts" region="y" /> */}\n\n## Trade-offs and pitfalls',
    );
    expect(lintPages([{ path: '004-clean.mdx', text }], readFile)).toEqual([]);
  });

  it('warns, without failing, about a page far below its word band', () => {
    expect(lint('004-too-short.mdx')).toEqual([
      issue('004-too-short.mdx', 1, 'has 176 words of prose; easy answers run 300–700 (code excluded). Check nothing is missing or padded (STYLE.md#length)', 'warning'),
    ]);
  });

  it('names a snippet file that does not exist', () => {
    const text = readFileSync(`${FIXTURES}004-clean.mdx`, 'utf8').replace('file="status.ts"', 'file="gone.ts"');
    expect(lintPages([{ path: 'x/004-gone.mdx', text }], readFile)).toEqual([
      issue('x/004-gone.mdx', 21, '<Snippet> names snippets/gone.ts, which does not exist; create it or fix the path (CONTRIBUTING.md#snippets)'),
    ]);
  });

  it('warns, without failing, about a review more than a year old, at its line', () => {
    const text = readFileSync(`${FIXTURES}004-clean.mdx`, 'utf8');
    expect(lintPages([{ path: '004-clean.mdx', text }], readFile, new Date('2027-11-02T12:00:00Z'))).toEqual([
      issue('004-clean.mdx', 8, 'lastReviewed 2026-11-01 is 366 days old (over 365); check the page against its References, then set lastReviewed to today (CONTRIBUTING.md#frontmatter)', 'warning'),
    ]);
    expect(lintPages([{ path: '004-clean.mdx', text }], readFile, new Date('2027-11-01T12:00:00Z'))).toEqual([]);
  });

  it('reports an id used by two pages', () => {
    const text = readFileSync(`${FIXTURES}004-clean.mdx`, 'utf8');
    const issues = lintPages([{ path: 'a/004-one.mdx', text }, { path: 'b/004-two.mdx', text }], readFile);
    expect(issues).toEqual([issue('b/004-two.mdx', 2, 'id 4 is already used by a/004-one.mdx; each question has one page (CONTRIBUTING.md#add-an-answer)')]);
  });
});

describe('countWords', () => {
  it('counts prose but not frontmatter, code, snippet tags, link URLs or table pipes', () => {
    const mdx = [
      '---', 'id: 4', 'title: "x"', '---',
      'Two words.', '',
      '```ts', 'const notCounted = 1;', '```', '',
      '<Snippet file="a.ts" region="b" output />',
      'See [the spec](https://example.com/a/very/long/url).', '',
      '| Name | Value |', '| --- | --- |', '| one | two |',
    ].join('\n');
    expect(countWords(mdx)).toBe(2 + 3 + 4);
  });
});

describe('Python snippets', () => {
  const page = (tag: string) => readFileSync(`${FIXTURES}004-clean.mdx`, 'utf8').replace('<Snippet file="status.ts" region="ok" />', tag);
  const module = '# region ok\ndef ok():\n    return 200\n# endregion ok\n';
  const lintWith = (tag: string, files: Record<string, string>) =>
    lintPages([{ path: '004-py.mdx', text: page(tag) }], (path) => files[path] ?? readFile(path));

  it.each([
    'snippets/py/tests/test_status.py',
    'snippets/py/api/tests/test_status.py',
    'snippets/py/api/status_test.py',
  ])('accepts a module tested by %s', (test) => {
    expect(lintWith('<Snippet file="py/api/status.py" region="ok" />', { 'snippets/py/api/status.py': module, [test]: 'def test_ok(): ...' })).toEqual([]);
  });

  it('names where a pytest test of a .py module may go when there is none', () => {
    expect(lintWith('<Snippet file="py/api/status.py" region="ok" />', { 'snippets/py/api/status.py': module, 'snippets/py/api/test_status.py': 'x' })).toEqual([
      issue('004-py.mdx', 21, 'snippets/py/api/status.py has no test; add snippets/py/api/tests/test_status.py (or snippets/py/tests/test_status.py, snippets/py/api/status_test.py): every snippet shown on a page is tested (STYLE.md#code)'),
    ]);
  });

  it('refuses "output" on a Python module, whose demo the build cannot run', () => {
    const files = { 'snippets/py/status.py': module, 'snippets/py/status_test.py': 'x' };
    expect(lintWith('<Snippet file="py/status.py" region="ok" output />', files)).toEqual([
      issue('004-py.mdx', 21, '<Snippet file="py/status.py" output>: only TypeScript demos run at build time; drop "output" or show a TypeScript module (CONTRIBUTING.md#snippets)'),
    ]);
  });
});
