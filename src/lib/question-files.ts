/** Answer files are named `NNN-slug.mdx`: the id, zero-padded, then the URL slug. */
const FILE_NAME = /^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx$/;

export interface QuestionFileName {
  id: number;
  slug: string;
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
