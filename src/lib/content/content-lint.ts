/**
 * The rules one answer page must meet, beyond what Astro itself checks:
 * frontmatter (through content-check.ts, the same entry the build calls),
 * snippet references, sections, length and leftover placeholders. Pure: the
 * caller says how to read snippet files, so the rules run the same over the
 * real content and over test fixtures.
 */
import { checkQuestions } from './content-check.ts';
import { type ContentProblem, GUIDE } from './content-problem.ts';
import type { Difficulty } from './difficulty.ts';
import { reviewAges, STALE_AFTER_DAYS } from './freshness.ts';
import type { SourceFile } from './question-files.ts';
import { extractRegion, RegionError } from '../markdown/regions.ts';
import { pageSnippets, SNIPPET_DIR, snippetLanguage, testPathsFor } from '../markdown/snippet-usage.ts';

/** Reads a file by its path from the repository root; undefined when there is none. */
export type ReadFile = (path: string) => string | undefined;

/** Words of prose, code excluded, from STYLE.md#length. */
export const WORD_BANDS: Record<Difficulty, { min: number; max: number }> = {
  easy: { min: 300, max: 700 },
  medium: { min: 600, max: 1200 },
  hard: { min: 900, max: 1800 },
};
/** How far outside its band a page may stray before a warning: shorter is often fine, far shorter rarely. */
export const BAND_SLACK = 0.25;

/**
 * The h2 sections every page must have, in the order STYLE.md#the-parts-of-a-page
 * gives them. Drop an entry here to stop requiring it.
 */
export const REQUIRED_SECTIONS = ['## In code', '## Trade-offs and pitfalls', '## Common mistakes', '## Follow-up questions', '## References'];

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
export function lintPages(pages: readonly SourceFile[], readFile: ReadFile, today = new Date()): ContentProblem[] {
  const { questions, problems: frontmatter } = checkQuestions(pages);
  const difficulties = new Map(questions.map((q) => [q.file, q.difficulty]));
  const body = pages.flatMap((page) => lintBody(page.path, page.text, difficulties.get(page.path), readFile));
  const texts = new Map(pages.map((p) => [p.path, p.text]));
  const stale = reviewAges(questions, today).filter((a) => a.stale).map((a): ContentProblem => {
    const text = texts.get(a.file) ?? '';
    return {
      file: a.file,
      line: lineOf(text, Math.max(0, text.indexOf('\nlastReviewed:') + 1)),
      severity: 'warning',
      message: `lastReviewed ${a.lastReviewed} is ${a.ageDays} days old (over ${STALE_AFTER_DAYS}); check the page against its References, then set lastReviewed to today (${GUIDE.frontmatter})`,
    };
  });
  return [...frontmatter, ...body, ...stale].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Lines of table header rows (the row above a `| --- |` line) with an empty cell, outside fenced code. */
export function emptyHeaderCells(text: string): number[] {
  const lines = text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, (code) => code.replace(/[^\n]/g, '')).split('\n');
  const cells = (row: string) => row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');
  const found: number[] = [];
  lines.forEach((row, i) => {
    const next = lines[i + 1] ?? '';
    if (row.trim().startsWith('|') && /^\s*\|?\s*:?-{3,}/.test(next) && cells(row).some((cell) => cell.trim() === '')) found.push(i + 1);
  });
  return found;
}

function lintBody(file: string, text: string, difficulty: Difficulty | undefined, readFile: ReadFile): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const error = (line: number, message: string) => problems.push({ file, line, severity: 'error', message });

  for (const heading of REQUIRED_SECTIONS) {
    if (!text.includes(`\n${heading}\n`)) error(1, `has no "${heading}" section; add it (${GUIDE.parts})`);
  }
  const snippets = pageSnippets(text);
  for (const problem of snippets.problems) error(problem.line, problem.message);
  if (snippets.refs.length === 0 && snippets.problems.length === 0) {
    error(1, `shows no code; add a <Snippet file="…" region="…" /> from a tested module under ${SNIPPET_DIR}/ (${GUIDE.code})`);
  }
  for (const ref of snippets.refs) {
    const path = `${SNIPPET_DIR}/${ref.file}`;
    const source = readFile(path);
    if (source === undefined) {
      error(ref.line, `<Snippet> names ${path}, which does not exist; create it or fix the path (${GUIDE.snippets})`);
      continue;
    }
    const testPaths = testPathsFor(path);
    if (!testPaths.some((test) => readFile(test) !== undefined)) {
      const where = testPaths.length > 1 ? `${testPaths[0]} (or ${testPaths.slice(1).join(', ')})` : testPaths[0] ?? 'a test beside it';
      error(ref.line, `${path} has no test; add ${where}: every snippet shown on a page is tested (${GUIDE.code})`);
    }
    if (ref.output && snippetLanguage(path) !== 'ts') {
      error(ref.line, `<Snippet file="${ref.file}" output>: only TypeScript demos run at build time; drop "output" or show a TypeScript module (${GUIDE.snippets})`);
    }
    try {
      const left = extractRegion(source, path, ref.region).code.match(PLACEHOLDER)?.[0];
      if (left) error(ref.line, `${path} region "${ref.region}" still says "${left}"; finish the code before it is shown (${GUIDE.code})`);
    } catch (e) {
      if (!(e instanceof RegionError)) throw e;
      error(ref.line, `${e.message} (${GUIDE.snippets})`);
    }
  }

  for (const match of text.matchAll(/\]\((\/[^)]*)\)/g)) {
    error(lineOf(text, match.index), `links ${match[1]} by path; link answers by number, like [Q59](q:59), so links survive a sub-path deploy (${GUIDE.body})`);
  }
  for (const line of emptyHeaderCells(text)) {
    error(line, `a table's header row has an empty cell; name every column, since screen readers announce it for each cell below (${GUIDE.body})`);
  }
  for (const match of text.matchAll(PLACEHOLDER)) {
    error(lineOf(text, match.index), `still says "${match[0]}"; finish or remove it before publishing (${GUIDE.beforeReview})`);
  }

  if (difficulty) {
    const { min, max } = WORD_BANDS[difficulty];
    const words = countWords(text);
    if (words < min * (1 - BAND_SLACK) || words > max * (1 + BAND_SLACK)) {
      problems.push({ file, line: 1, severity: 'warning', message: `has ${words} words of prose; ${difficulty} answers run ${min}–${max} (code excluded). Check nothing is missing or padded (${GUIDE.length})` });
    }
  }
  return problems;
}
