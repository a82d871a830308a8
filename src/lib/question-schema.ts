import { z } from 'zod';
import { bandForId, DIFFICULTIES, FIRST_ID, LAST_ID } from './difficulty.ts';
import { seedQuestion } from './seed.ts';
import { keepsMeaning } from './title-match.ts';

/** Subjects a question can be filed under; a page lists one to three. */
export const TOPICS = [
  'http', 'api-design', 'databases', 'security', 'auth', 'reliability', 'architecture',
  'operations', 'observability', 'testing', 'tooling', 'performance', 'data',
] as const;

export const SUMMARY_MIN = 120;
export const SUMMARY_MAX = 600;

const questionId = z
  .number({ error: 'must be a number, like `id: 4`' })
  .int({ error: 'must be a whole number' })
  .min(FIRST_ID, { error: `must be from ${FIRST_ID} to ${LAST_ID}` })
  .max(LAST_ID, { error: `must be from ${FIRST_ID} to ${LAST_ID}` });

/** Frontmatter of one answer page, `content/questions/NNN-slug.mdx`. */
export const questionSchema = z
  .object({
    /** The question's number in the seed, 1–100; also the file name's prefix. */
    id: questionId,
    /** The seed question, copy-edited for grammar at most. */
    title: z.string().trim().min(1, { error: 'must not be empty' }),
    /** Fixed by the id: 1–34 easy, 35–67 medium, 68–100 hard. */
    difficulty: z.enum(DIFFICULTIES, { error: 'must be one of easy, medium, hard' }),
    /** The short answer: 2–4 sentences that stand alone (page, cards, search, meta). */
    summary: z
      .string()
      .trim()
      .min(SUMMARY_MIN, { error: `is too short: the short answer needs ${SUMMARY_MIN}–${SUMMARY_MAX} characters (2–4 sentences)` })
      .max(SUMMARY_MAX, { error: `is too long: keep the short answer to ${SUMMARY_MIN}–${SUMMARY_MAX} characters (2–4 sentences)` }),
    /** One to three subjects from TOPICS. */
    topics: z
      .array(z.enum(TOPICS, { error: `must be one of: ${TOPICS.join(', ')}` }))
      .min(1, { error: 'needs at least one topic' })
      .max(3, { error: 'takes at most three topics' }),
    /** Ids of questions a reader should go to next; shown once they are answered. */
    related: z.array(questionId).max(6, { error: 'takes at most six ids' }).default([]),
  })
  .strict()
  .superRefine((q, ctx) => {
    const seed = seedQuestion(q.id);
    if (!seed) return;
    const band = bandForId(q.id);
    if (q.difficulty !== band.difficulty) {
      ctx.addIssue({
        code: 'custom',
        path: ['difficulty'],
        message: `must be "${band.difficulty}" for id ${q.id} (ids ${band.first}–${band.last} are ${band.difficulty})`,
      });
    }
    if (!keepsMeaning(q.title, seed.question)) {
      ctx.addIssue({
        code: 'custom',
        path: ['title'],
        message: `changes the meaning of question ${q.id}, "${seed.question}"; copy-edit its grammar only`,
      });
    }
    q.related.forEach((id, i) => {
      if (id === q.id) ctx.addIssue({ code: 'custom', path: ['related', i], message: 'lists the question itself' });
      if (q.related.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['related', i], message: `lists ${id} twice` });
    });
  });

export type QuestionData = z.infer<typeof questionSchema>;
