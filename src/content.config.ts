import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { checkedLoader } from './lib/content/content-loader.ts';
import { questionSchema } from './lib/content/question-schema.ts';

/**
 * One answer per file: content/questions/NNN-slug.mdx (rules:
 * CONTRIBUTING.md#frontmatter). The loader checks each page as the build
 * does before the schema types its data.
 */
const questions = defineCollection({
  loader: checkedLoader(glob({ pattern: '*.mdx', base: './content/questions' })),
  schema: questionSchema,
});

export const collections = { questions };
