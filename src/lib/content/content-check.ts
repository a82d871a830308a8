/**
 * The one entry that checks answers' frontmatter: the build and the content
 * collection (content-integration.ts) and `npm run check` (content-lint.ts)
 * all call `checkQuestions`. It parses the YAML itself, so every problem
 * points at the line of the field (or list item, or unknown key) at fault.
 */
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { type ContentProblem, GUIDE } from './content-problem.ts';
import { parseQuestionFileName, questionFileName, type SourceFile } from './question-files.ts';
import { QUESTION_FIELDS, type QuestionData, questionSchema } from './question-schema.ts';

export interface CheckedQuestion extends QuestionData {
  slug: string;
  file: string;
}

type Document = ReturnType<typeof parseDocument>;

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/;
/** The frontmatter's YAML starts on the page's second line, after `---`. */
const FIRST_FIELD_LINE = 2;

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
    if (earlier) error(problems, q.file, FIRST_FIELD_LINE, `id ${q.id} is already used by ${earlier}; each question has one page (${GUIDE.addAnswer})`);
    else firstFileById.set(q.id, q.file);
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { questions: questions.sort((a, b) => a.id - b.id), problems };
}

function error(problems: ContentProblem[], file: string, line: number, message: string): void {
  problems.push({ file, line, severity: 'error', message });
}

function checkOne(file: SourceFile, problems: ContentProblem[]): CheckedQuestion | undefined {
  const name = file.path.split('/').at(-1)!;
  const parsedName = parseQuestionFileName(name);
  if (!parsedName) {
    error(problems, file.path, 1, `file name must be NNN-slug.mdx (three-digit id, kebab-case slug), like ${questionFileName(4, 'http-200-ok')} (${GUIDE.addAnswer})`);
    return;
  }
  const block = FRONTMATTER.exec(file.text);
  if (!block) {
    error(problems, file.path, 1, `starts without frontmatter; open the file with a "---" block holding ${QUESTION_FIELDS.join(', ')} (${GUIDE.frontmatter})`);
    return;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(block[1]!, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? FIRST_FIELD_LINE : lineCounter.linePos(offset).line + FIRST_FIELD_LINE - 1);
  if (doc.errors.length) {
    for (const e of doc.errors) {
      error(problems, file.path, lineAt(e.pos[0]), `frontmatter is not valid YAML: ${e.message.split('\n')[0]} (${GUIDE.frontmatter})`);
    }
    return;
  }
  const data: unknown = doc.toJS();
  const result = questionSchema.safeParse(data);
  for (const issue of result.error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) error(problems, file.path, lineAt(keyOffset(doc, key)), unknownKey(key));
    } else {
      error(problems, file.path, lineAt(valueOffset(doc, issue.path)), `${describe(issue, data)} (${GUIDE.frontmatter})`);
    }
  }
  if (!result.success) return;
  if (result.data.id !== parsedName.id) {
    const rename = questionFileName(result.data.id, parsedName.slug);
    error(problems, file.path, lineAt(valueOffset(doc, ['id'])), `id is ${result.data.id} but the file name says ${parsedName.id}; rename the file to ${rename} or fix the id (${GUIDE.addAnswer})`);
    return;
  }
  return { ...result.data, slug: parsedName.slug, file: file.path };
}

function unknownKey(key: string): string {
  return `${key} is not a frontmatter field; allowed: ${QUESTION_FIELDS.join(', ')}. Remove it or fix its spelling (${GUIDE.frontmatter})`;
}

/** Where a top-level key is written. */
function keyOffset(doc: Document, key: string): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** Where the value at `path` is written; for a missing one, where its parent starts, so "required" points somewhere useful. */
function valueOffset(doc: Document, path: readonly PropertyKey[]): number | undefined {
  const node = doc.getIn(path as (string | number)[], true);
  if (isNode(node) && node.range) return node.range[0];
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1) as (string | number)[], true) : doc.contents;
  return isNode(parent) && parent.range ? parent.range[0] : undefined;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || 'frontmatter';
}

/** The field path, what the schema expects, and what the page has. */
function describe(issue: $ZodIssue, data: unknown): string {
  const found = valueAt(data, issue.path);
  if (found === undefined) return `${fieldPath(issue.path)} is required: ${issue.message}`;
  return `${fieldPath(issue.path)} ${issue.message}; found ${JSON.stringify(found)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}
