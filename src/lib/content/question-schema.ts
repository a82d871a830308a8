/**
 * The frontmatter of one answer page, `content/questions/NNN-slug.mdx`: one
 * zod schema holding each field and the rules between fields. The content
 * collection types its data with it; content-check.ts runs it and turns its
 * issues into messages located to the line. Each field's first error says
 * what to write, so "is required" can reuse it.
 */
import { z } from 'zod';
import { bandForId, type Difficulty, DIFFICULTIES, FIRST_ID, LAST_ID } from './difficulty.ts';
import { seedQuestion } from './seed.ts';
import { keepsMeaning } from './title-match.ts';
import { TOPICS } from './topics.ts';

export const SUMMARY_MIN = 120;
export const SUMMARY_MAX = 600;

/** A review can be dated at most this many days ahead of UTC today (time zones). */
const REVIEW_SLACK_DAYS = 1;

/**
 * `lastReviewed`: the day a maintainer last checked the page against its
 * sources. YAML may hand over a Date (unquoted) or a string (quoted); both
 * become `YYYY-MM-DD`. A day in the future fails: it would hide staleness.
 */
const reviewDay = z.preprocess(
  (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value),
  z.iso
    .date({ error: 'must be a date written YYYY-MM-DD, like 2026-11-24' })
    // A malformed day parses to NaN and passes here: the format check reports it.
    .refine((day) => !(Date.parse(day) > Date.now() + REVIEW_SLACK_DAYS * 86_400_000), {
      error: 'is in the future; use the day you checked the page against its sources',
    }),
);

const questionId = z
  .number({ error: 'must be a number, like `id: 4`' })
  .int({ error: 'must be a whole number' })
  .min(FIRST_ID, { error: `must be from ${FIRST_ID} to ${LAST_ID}` })
  .max(LAST_ID, { error: `must be from ${FIRST_ID} to ${LAST_ID}` });

// Upper bounds on lists are refinements, not `.max()`: after a failed
// `.max()` zod skips every later check, the rules between fields included,
// and a contributor would see one problem, fix it, then meet the next.
const fields = z
  .object({
    /** The question's number in the seed, 1–100; also the file name's prefix. */
    id: questionId,
    /** The seed question, copy-edited for grammar at most. */
    title: z
      .string({ error: 'must be the seed question in quotes, like `title: "What does a 200 HTTP status mean?"`' })
      .trim()
      .min(1, { error: 'must not be empty' }),
    /** Fixed by the id: 1–34 easy, 35–67 medium, 68–100 hard. */
    difficulty: z.enum(DIFFICULTIES, { error: 'must be one of easy, medium, hard' }),
    /** The short answer: 2–4 sentences that stand alone (page, cards, search, meta). */
    summary: z
      .string({ error: `must be the short answer in quotes: 2–4 sentences, ${SUMMARY_MIN}–${SUMMARY_MAX} characters` })
      .trim()
      .min(SUMMARY_MIN, { error: `is too short: the short answer needs ${SUMMARY_MIN}–${SUMMARY_MAX} characters (2–4 sentences)` })
      .max(SUMMARY_MAX, { error: `is too long: keep the short answer to ${SUMMARY_MIN}–${SUMMARY_MAX} characters (2–4 sentences)` }),
    /** One to three subjects from TOPICS. */
    topics: z
      .array(z.enum(TOPICS, { error: `must be one of: ${TOPICS.join(', ')}` }), { error: 'must be a list, like `topics: [http]`' })
      .min(1, { error: 'needs at least one topic' })
      .refine((topics) => topics.length <= 3, { error: 'takes at most three topics' }),
    /** Ids of questions a reader should go to next; shown once they are answered. */
    related: z
      .array(questionId, { error: 'must be a list of ids, like `related: [15, 5]`' })
      .refine((ids) => ids.length <= 6, { error: 'takes at most six ids' })
      .default([]),
    /** The day the page was last checked against its sources (see src/lib/content/freshness.ts). */
    lastReviewed: reviewDay,
  }, { error: 'must be a block of fields, one per line, like `id: 4`' })
  .strict();

/**
 * Frontmatter of one answer page: the fields, then the rules between them
 * (difficulty and title against the seed, related ids against the id). The
 * rules run even when another field failed, so a contributor sees every
 * problem at once; they read what parsed and skip what did not.
 */
export const questionSchema = fields.superRefine(
  (q, ctx) => {
    const seed = typeof q.id === 'number' ? seedQuestion(q.id) : undefined;
    if (!seed) return;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const band = bandForId(seed.id);
    if (DIFFICULTIES.includes(q.difficulty as Difficulty) && q.difficulty !== band.difficulty) {
      issue(['difficulty'], `must be "${band.difficulty}" for id ${seed.id} (ids ${band.first}–${band.last} are ${band.difficulty})`);
    }
    if (typeof q.title === 'string' && !keepsMeaning(q.title, seed.question)) {
      issue(['title'], `changes the meaning of question ${seed.id}, "${seed.question}"; copy-edit its grammar only`);
    }
    const related: unknown = q.related;
    if (Array.isArray(related)) {
      related.forEach((id: unknown, i) => {
        if (id === seed.id) issue(['related', i], 'lists the question itself');
        else if (related.indexOf(id) !== i) issue(['related', i], `lists ${String(id)} twice`);
      });
    }
  },
  { when: () => true },
);

export type QuestionData = z.infer<typeof questionSchema>;

/** The fields a page may have, in the order CONTRIBUTING.md lists them. */
export const QUESTION_FIELDS: readonly string[] = Object.keys(questionSchema.shape);
