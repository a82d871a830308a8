/**
 * Answer files on disk: `content/questions/NNN-slug.mdx`, the id zero-padded,
 * then the URL slug. Everything that reads the answers reads them here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const FILE_NAME = /^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx$/;

export interface QuestionFileName {
  id: number;
  slug: string;
}

/** An answer file as read from disk: path relative to the repository root, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Splits an answer file's name into id and slug, or returns null. */
export function parseQuestionFileName(name: string): QuestionFileName | null {
  const match = FILE_NAME.exec(name);
  return match ? { id: Number(match[1]), slug: match[2]! } : null;
}

/** The file name an answer with this id and slug must have. */
export function questionFileName(id: number, slug: string): string {
  return `${String(id).padStart(3, '0')}-${slug}.mdx`;
}

/**
 * Reads every `.mdx` (and stray `.md`, so a misnamed page is reported, not
 * skipped) under `root/dir`, sorted by name, paths relative to `root`.
 */
export function readQuestionSources(root: string, dir = 'content/questions'): SourceFile[] {
  const folder = join(root, dir);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.mdx') || name.endsWith('.md'))
    .sort()
    .map((name) => ({ path: relative(root, join(folder, name)), text: readFileSync(join(folder, name), 'utf8') }));
}
