/**
 * Server-side input validation as parsing: one zod schema at the boundary
 * turns untrusted JSON into a typed value (normalized text, a Date, a
 * bigint id, a branded handle) or into a 422 listing every bad field.
 * Code after the boundary never sees the raw input again.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Input_Validation_Cheat_Sheet.html
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  useProblemErrors, type ErrorLog, type ProblemEnv,
} from '../http/error-middleware.ts';
import { readBody } from '../http/validation-problem.ts';

// #region text
/**
 * Allow-list by Unicode category: letters, marks, digits, punctuation,
 * symbols and spaces in every script, plus ZWJ for emoji sequences. That
 * leaves out controls, bidi overrides (U+202E), zero-width spaces, lone
 * surrogates and unassigned code points.
 */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}\u200D]*$/u;

/** Free text: NFC, trimmed, 1 to `max` code points, printable only. */
export function text(max: number) {
  return z.string().normalize('NFC').trim()
    .min(1).max(max) // zod 4.6 counts code points, not UTF-16 units
    .refine((s) => PRINTABLE.test(s), {
      message: 'Contains a control or invisible character.',
      params: { code: 'forbidden_character' },
    });
}

/**
 * A public handle. NFKC folds compatibility forms ('ｐａｙ' becomes 'pay',
 * 'ﬁ' becomes 'fi') but not look-alikes from other scripts (Cyrillic 'а'
 * stays 'а'), so an ASCII allow-list comes last. The brand makes the
 * type say "parsed": a plain string does not type-check as a Handle.
 */
export const handle = z.string()
  .max(64, { abort: true }) // stop here: NFKC can expand a string
  .normalize('NFKC').toLowerCase()
  .regex(/^[a-z0-9_]{3,30}$/, 'Use 3 to 30 of a-z, 0-9 and _.')
  .brand<'Handle'>();
// #endregion text

// #region schema
/** A 64-bit id as a decimal string: a JSON number past 2^53 - 1 rounds. */
const int64Id = z.string().regex(/^[1-9][0-9]{0,18}$/)
  .transform((s) => BigInt(s))
  .refine((n) => n < 2n ** 63n, {
    message: 'Must fit a signed 64-bit id.', params: { code: 'out_of_range' },
  });
const instant = z.iso.datetime({ offset: true })
  .transform((s) => new Date(s));
const DAY_MS = 86_400_000;
/** zod runs an object's refinements even when a field failed a format
 *  check: gate each cross-field rule on the fields it reads. */
const parsed = (...keys: string[]) => ({
  when: (p: z.core.ParsePayload) =>
    !p.issues.some((i) => keys.includes(String(i.path?.[0]))),
});

/** Semantic rules need context (the clock), so the schema is built. */
export function createEventSchema(now: () => Date) {
  return z.strictObject({ // unknown keys are refused, not dropped
    organizer: handle,
    title: text(80),
    description: text(2000).optional(),
    visibility: z.enum(['public', 'unlisted', 'private']),
    venueId: int64Id,
    capacity: z.int().min(1).max(5000),
    startsAt: instant.refine((d) => d > now(), {
      message: 'Must be in the future.', params: { code: 'in_the_past' },
    }),
    endsAt: instant,
    tags: z.array(handle).max(10).default([])
      .refine((t) => new Set(t).size === t.length, {
        message: 'Tags repeat.', params: { code: 'duplicate_tags' },
      }),
  }).refine((e) => e.endsAt > e.startsAt, {
    path: ['endsAt'], message: 'Must be after startsAt.',
    params: { code: 'ends_before_start' }, ...parsed('startsAt', 'endsAt'),
  }).refine((e) => +e.endsAt - +e.startsAt <= 14 * DAY_MS, {
    path: ['endsAt'], message: 'An event lasts at most 14 days.',
    params: { code: 'too_long_event' }, ...parsed('startsAt', 'endsAt'),
  });
}
export type NewEvent = z.output<ReturnType<typeof createEventSchema>>;
// #endregion schema

// #region route
/** `POST /events`: the handler receives a parsed `NewEvent` or nothing. */
export function createEventApp(opts: {
  log: ErrorLog; now: () => Date; save: (event: NewEvent) => string;
}) {
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: opts.log });
  const schema = createEventSchema(opts.now);
  app.post('/events', async (c) => {
    // 415, 413, 400 or 422 are thrown; past this line the input is typed.
    const event = await readBody(c, schema);
    const id = opts.save(event);
    c.header('Location', `/events/${id}`);
    return c.json({ id, ...event, venueId: String(event.venueId) }, 201);
  });
  return app;
}
// #endregion route

/** The same text measured four ways; only bytes bound memory. */
export function lengths(s: string) {
  return {
    utf16Units: s.length,
    codePoints: [...s].length,
    graphemes: [...new Intl.Segmenter('en').segment(s)].length,
    utf8Bytes: Buffer.byteLength(s, 'utf8'),
  };
}

if (import.meta.main) {
  for (const s of ['e\u0301', 'é', '👍🏽', '👨‍👩‍👧']) {
    console.log(JSON.stringify(s).padEnd(14), JSON.stringify(lengths(s)));
  }
  const app = createEventApp({
    log: () => {}, now: () => new Date('2026-12-01T00:00:00Z'),
    save: () => 'ev_1',
  });
  const good = {
    organizer: 'ｐａｙ_Team', title: 'Cafe\u0301 meetup 👩‍💻',
    visibility: 'public', venueId: '9007199254740993', capacity: 40,
    startsAt: '2027-01-15T18:00:00+01:00',
    endsAt: '2027-01-15T21:00:00+01:00',
  };
  const cases: [string, string][] = [
    ['valid', JSON.stringify(good)],
    ['mass assignment', JSON.stringify({ ...good, role: 'admin' })],
    ['__proto__ key', JSON.stringify(good)
      .replace('{', '{"__proto__":{"admin":true},')],
    ['Cyrillic handle', JSON.stringify({ ...good, organizer: 'pаy_team' })],
    ['bidi override', JSON.stringify({ ...good, title: 'gnp.\u202Eexe' })],
    ['81 emoji title', JSON.stringify({ ...good, title: '🙂'.repeat(81) })],
    ['id as number', JSON.stringify(good)
      .replace('"9007199254740993"', '9007199254740993')],
    ['ends first', JSON.stringify({ ...good,
      endsAt: '2027-01-15T17:00:00+01:00' })],
  ];
  for (const [label, body] of cases) {
    const res = await app.request('/events', { method: 'POST', body,
      headers: { 'Content-Type': 'application/json' } });
    const json = await res.json() as Record<string, unknown>;
    const shown = res.status === 201
      ? `${json.organizer} "${json.title}" venue ${json.venueId}`
      : res.status === 422
        ? (json.errors as { pointer: string; code: string }[])
          .map((e) => `${e.pointer} ${e.code}`).join(', ')
        : json.detail;
    console.log(`${label.padEnd(16)} ${res.status} ${shown}`);
  }
}
