// The real content against the rules: frontmatter vs the seed, snippet
// references and regions, and the structure every answer page needs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkQuestions, formatProblems, readQuestionSources } from '../../src/lib/content-check.ts';
import { parseRegions } from '../../src/lib/regions.ts';
import { snippetRefs } from '../../src/lib/snippet-usage.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pages = readQuestionSources(root);
const MAX_COLUMNS = 80;

function snippetModules(dir = join(root, 'snippets')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return snippetModules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

describe('answer pages', () => {
  it('all pass the frontmatter rules', () => {
    const { problems } = checkQuestions(pages);
    expect(problems, formatProblems(problems)).toEqual([]);
  });

  it('match a vendored seed that equals ../shared/seed when it is present', () => {
    const shared = join(root, '../shared/seed/questions.json');
    if (!existsSync(shared)) return;
    expect(JSON.parse(readFileSync(join(root, 'content/seed/questions.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(shared, 'utf8')));
  });

  it.each(pages.map((p) => [p.path, p.text]))('%s has the sections every answer needs', (path, text) => {
    for (const heading of ['## In code', '## Trade-offs and pitfalls', '## Follow-up questions', '## References']) {
      expect(text, `${path}: add a "${heading}" section (see STYLE.md, anatomy of an answer page)`).toContain(`\n${heading}\n`);
    }
    expect(snippetRefs(text).length, `${path}: show at least one <Snippet> from a tested module`).toBeGreaterThan(0);
    const handWritten = /\]\((\/[^)]*)\)/.exec(text);
    expect(handWritten?.[1], `${path}: link other answers as [Q59](q:59), not by path`).toBeUndefined();
  });
});

describe('snippets', () => {
  const modules = snippetModules();
  const used = new Set(pages.flatMap((p) => snippetRefs(p.text).map((r) => `snippets/${r.file}#${r.region}`)));

  it.each(modules)('%s has a test beside it, valid regions, all shown, none too wide', (module) => {
    const test = module.replace(/\.ts$/, '.test.ts');
    expect(existsSync(join(root, test)), `${module}: add ${test}; every snippet module is tested`).toBe(true);
    const regions = parseRegions(readFileSync(join(root, module), 'utf8'), module);
    for (const region of regions.values()) {
      expect(used.has(`${module}#${region.name}`), `${module}: region "${region.name}" is shown on no page; use it or remove its markers`).toBe(true);
      region.code.split('\n').forEach((line, i) => {
        expect(line.length, `${module}:${region.startLine + i}: ${line.length} columns; keep shown lines to ${MAX_COLUMNS} for phones`).toBeLessThanOrEqual(MAX_COLUMNS);
      });
    }
  });

  it('every <Snippet> on a page points at a file and region that exist', () => {
    const missing = pages.flatMap((page) =>
      snippetRefs(page.text)
        .filter((ref) => {
          const file = join(root, 'snippets', ref.file);
          return !existsSync(file) || !parseRegions(readFileSync(file, 'utf8'), ref.file).has(ref.region);
        })
        .map((ref) => `${page.path}:${ref.line}: snippets/${ref.file} has no region "${ref.region}"`),
    );
    expect(missing, missing.join('\n')).toEqual([]);
  });
});
