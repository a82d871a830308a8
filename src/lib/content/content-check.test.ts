import { describe, expect, it } from 'vitest';
import { checkQuestions } from './content-check.ts';
import type { SourceFile } from './question-files.ts';

const SUMMARY = 'A 200 OK says the request succeeded and the body carries the result. Use 201 with Location for a created resource and 204 when there is no body.';

function page(fields: Record<string, string>, name = '004-http-200-ok.mdx'): SourceFile {
  const base: Record<string, string> = {
    id: '4',
    title: 'What does a 200 HTTP status mean?',
    difficulty: 'easy',
    summary: JSON.stringify(SUMMARY),
    topics: '[http]',
    related: '[15, 13]',
    lastReviewed: '2026-11-01',
  };
  const merged = { ...base, ...fields };
  const yaml = Object.entries(merged)
    .filter(([, v]) => v !== '<absent>')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return { path: `content/questions/${name}`, text: `---\n${yaml}\n---\n\nBody.\n` };
}

function problemsOf(...files: SourceFile[]): string[] {
  return checkQuestions(files).problems.map((p) => `${p.file}:${p.line} ${p.message}`);
}

describe('checkQuestions', () => {
  it('accepts a valid page and derives the slug from the file name', () => {
    const { questions, problems } = checkQuestions([page({})]);
    expect(problems).toEqual([]);
    expect(questions[0]).toMatchObject({ id: 4, slug: 'http-200-ok', related: [15, 13], file: 'content/questions/004-http-200-ok.mdx' });
  });

  it('names file, line and field for a difficulty outside the id band', () => {
    expect(problemsOf(page({ difficulty: 'medium' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:4 difficulty must be "easy" for id 4 (ids 1–34 are easy); found "medium" (CONTRIBUTING.md#frontmatter)',
    ]);
  });

  it('rejects a title that changes the seed question', () => {
    expect(problemsOf(page({ title: 'What does a 201 HTTP status mean?' }))[0]).toMatch(
      /:3 title changes the meaning of question 4, "What does a 200 HTTP status mean\?"/,
    );
  });

  it('accepts a copy-edited title', () => {
    expect(problemsOf(page({ title: 'What does the 200 HTTP status mean?' }))).toEqual([]);
  });

  it('points at the offending list item', () => {
    expect(problemsOf(page({ related: '\n  - 15\n  - 101' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:9 related[1] must be from 1 to 100; found 101 (CONTRIBUTING.md#frontmatter)',
    ]);
    expect(problemsOf(page({ related: '[15, 4, 15]' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:7 related[1] lists the question itself; found 4 (CONTRIBUTING.md#frontmatter)',
      'content/questions/004-http-200-ok.mdx:7 related[2] lists 15 twice; found 15 (CONTRIBUTING.md#frontmatter)',
    ]);
  });

  it('reports a missing field, an unknown field and a bad topic together', () => {
    const problems = problemsOf(page({ summary: '<absent>', tags: '[x]', topics: '[http, cooking]' }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/summary is required/);
    expect(problems.join('\n')).toMatch(/topics\[1\] must be one of: http, api-design/);
    expect(problems.join('\n')).toMatch(/tags is not a frontmatter field; allowed: id, title, difficulty, summary, topics, related, lastReviewed/);
  });

  it('reports each unknown field at its own line, whatever line that is', () => {
    const text = page({}).text.replace('summary:', 'author: Jane Doe\nsummary:').replace('lastReviewed:', 'Related: [5]\nlastReviewed:');
    expect(problemsOf({ path: 'content/questions/004-http-200-ok.mdx', text })).toEqual([
      'content/questions/004-http-200-ok.mdx:5 author is not a frontmatter field; allowed: id, title, difficulty, summary, topics, related, lastReviewed. Remove it or fix its spelling (CONTRIBUTING.md#frontmatter)',
      'content/questions/004-http-200-ok.mdx:9 Related is not a frontmatter field; allowed: id, title, difficulty, summary, topics, related, lastReviewed. Remove it or fix its spelling (CONTRIBUTING.md#frontmatter)',
    ]);
  });

  it('says what a missing field must hold', () => {
    expect(problemsOf(page({ title: '<absent>' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:2 title is required: must be the seed question in quotes, like `title: "What does a 200 HTTP status mean?"` (CONTRIBUTING.md#frontmatter)',
    ]);
  });

  it('reports a rule between fields alongside a failure of another field', () => {
    const problems = problemsOf(page({ difficulty: 'hard', related: '[15, 13, 5, 33, 31, 60, 61]' }));
    expect(problems).toEqual([
      'content/questions/004-http-200-ok.mdx:4 difficulty must be "easy" for id 4 (ids 1–34 are easy); found "hard" (CONTRIBUTING.md#frontmatter)',
      'content/questions/004-http-200-ok.mdx:7 related takes at most six ids; found [15,13,5,33,31,60,61] (CONTRIBUTING.md#frontmatter)',
    ]);
  });

  it('still checks the rules between fields when a field is missing', () => {
    expect(problemsOf(page({ difficulty: 'hard', summary: '<absent>' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:2 summary is required: must be the short answer in quotes: 2–4 sentences, 120–600 characters (CONTRIBUTING.md#frontmatter)',
      'content/questions/004-http-200-ok.mdx:4 difficulty must be "easy" for id 4 (ids 1–34 are easy); found "hard" (CONTRIBUTING.md#frontmatter)',
    ]);
  });

  it('takes lastReviewed as a real YYYY-MM-DD day, quoted or not, and never in the future', () => {
    expect(problemsOf(page({ lastReviewed: '"2026-11-01"' }))).toEqual([]);
    expect(problemsOf(page({ lastReviewed: '24/11/2026' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:8 lastReviewed must be a date written YYYY-MM-DD, like 2026-11-24; found "24/11/2026" (CONTRIBUTING.md#frontmatter)',
    ]);
    expect(problemsOf(page({ lastReviewed: '2026-02-30' }))[0]).toMatch(/:8 lastReviewed must be a date written YYYY-MM-DD/);
    expect(problemsOf(page({ lastReviewed: '2999-01-01' }))).toEqual([
      'content/questions/004-http-200-ok.mdx:8 lastReviewed is in the future; use the day you checked the page against its sources; found "2999-01-01" (CONTRIBUTING.md#frontmatter)',
    ]);
    expect(problemsOf(page({ lastReviewed: '<absent>' }))[0]).toMatch(/lastReviewed is required/);
  });

  it('bounds the summary length', () => {
    expect(problemsOf(page({ summary: 'Too short.' }))[0]).toMatch(/summary is too short: the short answer needs 120–600 characters/);
  });

  it('checks the file name and that its id matches the frontmatter', () => {
    expect(problemsOf(page({}, '4-http.mdx'))[0]).toMatch(/4-http.mdx:1 file name must be NNN-slug.mdx/);
    expect(problemsOf(page({}, '005-http-200-ok.mdx'))[0]).toMatch(
      /:2 id is 4 but the file name says 5; rename the file to 004-http-200-ok.mdx or fix the id/,
    );
  });

  it('rejects a second page for the same id', () => {
    expect(problemsOf(page({}), page({}, '004-ok.mdx'))).toEqual([
      'content/questions/004-ok.mdx:2 id 4 is already used by content/questions/004-http-200-ok.mdx; each question has one page (CONTRIBUTING.md#add-an-answer)',
    ]);
  });

  it('reports broken YAML and missing frontmatter with a line', () => {
    expect(problemsOf({ path: 'content/questions/004-a.mdx', text: '---\nid: [4\n---\n' })[0]).toMatch(/004-a.mdx:\d+ frontmatter is not valid YAML/);
    expect(problemsOf({ path: 'content/questions/004-a.mdx', text: '# Title\n' })[0]).toMatch(/004-a.mdx:1 starts without frontmatter/);
  });
});
