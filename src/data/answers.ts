import { type CollectionEntry, getCollection } from 'astro:content';
import { withBase } from '../lib/site/links.ts';
import { parseQuestionFileName } from '../lib/content/question-files.ts';

export type Answer = CollectionEntry<'questions'>;

/** Every answered question, in id order. */
export async function answers(): Promise<Answer[]> {
  const all = await getCollection('questions');
  return all.sort((a, b) => a.data.id - b.data.id);
}

/** The URL slug, from the file name `NNN-slug.mdx`. */
export function slugOf(answer: Answer): string {
  const parsed = parseQuestionFileName(`${answer.id}.mdx`);
  if (!parsed) throw new Error(`${answer.filePath}: file name must be NNN-slug.mdx`);
  return parsed.slug;
}

/** A site-relative path with the deployment base in front. */
export function url(path: string): string {
  return withBase(path, import.meta.env.BASE_URL);
}
