/**
 * The rules one answer page must meet, beyond what Astro itself checks:
 * frontmatter, snippet references, sections, length and leftover
 * placeholders. Pure: the caller says how to read snippet files, so the
 * rules run the same over the real content and over test fixtures.
 */
import { checkQuestions, type SourceFile } from './content-check.ts';
import { reviewAges, STALE_AFTER_DAYS } from './freshness.ts';
import type { Difficulty } from './difficulty.ts';
import { parseRegions, RegionError } from './regions.ts';
import { snippetRefs } from './snippet-usage.ts';

export interface LintIssue {
  file: string;
  line: number;
  /** Errors fail `npm run check`; warnings are printed for the author to judge. */
  severity: 'error' | 'warning';
  message: string;
}

/** Reads a file by its path from the repository root; undefined when there is none. */
export type ReadFile = (path: string) => string | undefined;

/** Words of prose, code excluded, from STYLE.md ("Length"). */
export const WORD_BANDS: Record<Difficulty, { min: number; max: number }> = {
  easy: { min: 300, max: 700 },
  medium: { min: 600, max: 1200 },
  hard: { min: 900, max: 1800 },
};
/** How far outside its band a page may stray before a warning: shorter is often fine, far shorter rarely. */
export const BAND_SLACK = 0.25;

export const REQUIRED_SECTIONS = ['## In code', '## Trade-offs and pitfalls', '## Follow-up questions', '## References'];

const FRONTMATTER = /^---\r?\n[\s\S]*?\r?\n---(?:\r?\n|$)/;
/** Markers of unfinished work: upper-case, so "a todo list" in prose is fine. */
const PLACEHOLDER = /\b(?:TODO|FIXME|TBD)\b|\b[Ll]orem ipsum\b/g;

/** Words a reader reads: frontmatter, `<Snippet>` tags, fenced code, link URLs and table pipes stripped. */
export function countWords(mdx: string): number {
  const prose = mdx
    .replace(FRONTMATTER, '')
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '')
    .replace(/<Snippet\b[^>]*\/?>/g, '')
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, '')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/^\s*\|?[\s|:-]+\|[\s|:-]*$/gm, '')
    .replaceAll('|', ' ');
  return prose.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * Every problem with the given answer pages, errors and warnings, by file
 * and line: the frontmatter rules (including ids used twice), then each
 * page's body.
 */
export function lintPages(pages: readonly SourceFile[], readFile: ReadFile, today = new Date()): LintIssue[] {
  const { questions, problems } = checkQuestions(pages);
  const frontmatter = problems.map((p): LintIssue => ({ file: p.file, line: p.line, severity: 'error', message: `${p.field ? `${p.field} ` : ''}${p.message}` }));
  const difficulties = new Map(questions.map((q) => [q.file, q.difficulty]));
  const body = pages.flatMap((page) => lintBody(page.path, page.text, difficulties.get(page.path), readFile));
  const texts = new Map(pages.map((p) => [p.path, p.text]));
  const stale = reviewAges(questions, today).filter((a) => a.stale).map((a): LintIssue => {
    const text = texts.get(a.file) ?? '';
    return {
      file: a.file,
      line: lineOf(text, Math.max(0, text.indexOf('\nlastReviewed:') + 1)),
      severity: 'warning',
      message: `lastReviewed ${a.lastReviewed} is ${a.ageDays} days old (over ${STALE_AFTER_DAYS}); check the page against its References, then set lastReviewed to today`,
    };
  });
  return [...frontmatter, ...body, ...stale].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function lintBody(file: string, text: string, difficulty: Difficulty | undefined, readFile: ReadFile): LintIssue[] {
  const issues: LintIssue[] = [];
  const error = (line: number, message: string) => issues.push({ file, line, severity: 'error', message });

  for (const heading of REQUIRED_SECTIONS) {
    if (!text.includes(`\n${heading}\n`)) error(1, `has no "${heading}" section; add it (STYLE.md, anatomy of an answer page)`);
  }
  const refs = snippetRefs(text);
  if (refs.length === 0) error(1, 'shows no code; add a <Snippet file="…" region="…" /> from a tested module under snippets/');
  for (const ref of refs) {
    const path = `snippets/${ref.file}`;
    const source = readFile(path);
    if (source === undefined) {
      error(ref.line, `<Snippet> names ${path}, which does not exist`);
      continue;
    }
    const testPath = path.replace(/\.ts$/, '.test.ts');
    if (readFile(testPath) === undefined) error(ref.line, `${path} has no test; add ${testPath} (every snippet shown on a page is tested)`);
    try {
      const region = parseRegions(source, path).get(ref.region);
      if (!region) error(ref.line, `${path} has no region "${ref.region}"; mark it with "// #region ${ref.region}" … "// #endregion ${ref.region}"`);
      else {
        const left = region.code.match(PLACEHOLDER)?.[0];
        if (left) error(ref.line, `${path} region "${ref.region}" still says "${left}"; finish the code before it is shown`);
      }
    } catch (e) {
      if (!(e instanceof RegionError)) throw e;
      error(ref.line, e.message);
    }
  }

  for (const match of text.matchAll(/\]\((\/[^)]*)\)/g)) {
    error(lineOf(text, match.index), `links ${match[1]} by path; link answers by number, like [Q59](q:59), so links survive a sub-path deploy`);
  }
  for (const match of text.matchAll(PLACEHOLDER)) {
    error(lineOf(text, match.index), `still says "${match[0]}"; finish or remove it before publishing`);
  }

  if (difficulty) {
    const { min, max } = WORD_BANDS[difficulty];
    const words = countWords(text);
    if (words < min * (1 - BAND_SLACK) || words > max * (1 + BAND_SLACK)) {
      issues.push({ file, line: 1, severity: 'warning', message: `has ${words} words of prose; ${difficulty} answers run ${min}–${max} (code excluded). Check nothing is missing or padded` });
    }
  }
  return issues;
}

/** One line per issue, as `npm run check` prints them. */
export function formatIssues(issues: readonly LintIssue[]): string {
  return issues.map((i) => `  ${i.file}:${i.line}  ${i.severity}  ${i.message}`).join('\n');
}
