import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { parseQuestionFileName, questionFileName } from './question-files.ts';
import { type FieldRuleIssue, fieldRuleIssues, type QuestionData, questionSchema } from './question-schema.ts';

/** An answer file as read from disk: path relative to the repo, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** One thing a contributor must fix, located to the line. */
export interface ContentProblem {
  file: string;
  line: number;
  /** Frontmatter field path, like `related[1]`; absent for whole-file problems. */
  field?: string;
  message: string;
}

export interface CheckedQuestion extends QuestionData {
  slug: string;
  file: string;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/;

/** Validates every answer file and the rules between them; collects all problems. */
export function checkQuestions(files: readonly SourceFile[]): { questions: CheckedQuestion[]; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const questions: CheckedQuestion[] = [];
  for (const file of files) {
    const result = checkOne(file, problems);
    if (result) questions.push(result);
  }
  const firstFileById = new Map<number, string>();
  for (const q of questions) {
    const earlier = firstFileById.get(q.id);
    if (earlier) problems.push({ file: q.file, line: 2, field: 'id', message: `${q.id} is already used by ${earlier}; each question has one page` });
    else firstFileById.set(q.id, q.file);
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { questions: questions.sort((a, b) => a.id - b.id), problems };
}

function checkOne(file: SourceFile, problems: ContentProblem[]): CheckedQuestion | undefined {
  const name = file.path.split('/').at(-1)!;
  const parsedName = parseQuestionFileName(name);
  if (!parsedName) {
    problems.push({ file: file.path, line: 1, message: `file name must be NNN-slug.mdx (three-digit id, kebab-case slug), like ${questionFileName(4, 'http-200-ok')}` });
    return;
  }
  const block = FRONTMATTER.exec(file.text);
  if (!block) {
    problems.push({ file: file.path, line: 1, message: 'starts without frontmatter; open the file with a "---" block holding id, title, difficulty, summary, topics, related' });
    return;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(block[1]!, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      problems.push({ file: file.path, line: lineCounter.linePos(e.pos[0]).line + 1, message: `frontmatter is not valid YAML: ${e.message.split('\n')[0]}` });
    }
    return;
  }
  const data: unknown = doc.toJS();
  const result = questionSchema.safeParse(data);
  const issues = [...(result.error?.issues ?? []), ...fieldRuleIssues(data)];
  for (const issue of issues) {
    const node = doc.getIn(issue.path as (string | number)[], true);
    const offset = isNode(node) && node.range ? node.range[0] : keyOffset(doc, issue.path);
    problems.push({
      file: file.path,
      line: offset === undefined ? 2 : lineCounter.linePos(offset).line + 1,
      field: fieldPath(issue.path),
      message: describe(issue, data),
    });
  }
  if (!result.success || issues.length) return;
  if (result.data.id !== parsedName.id) {
    problems.push({
      file: file.path,
      line: 2,
      field: 'id',
      message: `is ${result.data.id} but the file name says ${parsedName.id}; rename the file to ${questionFileName(result.data.id, parsedName.slug)} or fix the id`,
    });
    return;
  }
  return { ...result.data, slug: parsedName.slug, file: file.path };
}

/** Where a missing field's parent starts, so "required" points somewhere useful. */
function keyOffset(doc: ReturnType<typeof parseDocument>, path: PropertyKey[]): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1) as (string | number)[], true) : doc.contents;
  return isNode(parent) && parent.range ? parent.range[0] : undefined;
}

function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || '(frontmatter)';
}

function describe(issue: $ZodIssue | FieldRuleIssue, data: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}; allowed: id, title, difficulty, summary, topics, related`;
  }
  const found = valueAt(data, issue.path);
  if (found === undefined) return `is required: ${issue.message}`;
  return `${issue.message}; found ${JSON.stringify(found)}`;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let value = data;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** The message a build or test fails with: every problem, one per line. */
export function formatProblems(problems: readonly ContentProblem[]): string {
  const lines = problems.map((p) => `  ${p.file}:${p.line}  ${p.field ? `${p.field} ` : ''}${p.message}`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `${problems.length} content ${noun} (frontmatter rules: CONTRIBUTING.md#frontmatter):\n${lines.join('\n')}`;
}

/** Reads `content/questions/*.mdx` under `root`, paths relative to `root`. */
export function readQuestionSources(root: string, dir = 'content/questions'): SourceFile[] {
  const folder = join(root, dir);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.mdx') || name.endsWith('.md'))
    .sort()
    .map((name) => ({ path: relative(root, join(folder, name)), text: readFileSync(join(folder, name), 'utf8') }));
}
