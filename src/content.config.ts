import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { questionCollectionSchema } from './lib/question-schema.ts';

/** One answer per file: content/questions/NNN-slug.mdx (rules: CONTRIBUTING.md). */
const questions = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content/questions' }),
  schema: questionCollectionSchema,
});

export const collections = { questions };
