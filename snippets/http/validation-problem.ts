/**
 * Validation failures as RFC 9457 problems. A body that cannot be read is
 * a 400 (413 past the size cap, 415 in a media type or coding it does not
 * take); one that parses but breaks the schema is a 422 listing every bad
 * field as a JSON Pointer with a stable code, so a client can mark each
 * input and switch on the code without parsing English.
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { AppError } from './error-catalog.ts';
import { useProblemErrors, type ErrorLog, type ProblemEnv } from './error-middleware.ts';
import { isIdentity, readAtMost } from './json-body.ts';
import {
  JsonInputError, nestsDeeperThan, parseStrictJson, pointerFragment,
} from './strict-json.ts';

export interface FieldError {
  pointer: string;
  /** One of FIELD_CODES, or a code a schema rule declares in `params`. */
  code: string;
  detail: string;
}

/** Enough to fix a form; caps the response an abusive body can cause. */
export const MAX_FIELD_ERRORS = 50;
/** No form field needs more; a key can be as long as the body. */
export const MAX_POINTER_LENGTH = 128;
/** A signup is a few hundred bytes; the cap bounds memory per request. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Far past any real payload, far short of the parser's stack. */
export const MAX_DEPTH = 64;

const LENGTHS = new Set(['string', 'array', 'set', 'file']);
const ABSENT_AS = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

// #region codes
/** The codes clients switch on. Ours, not zod's: zod's can change. */
export const FIELD_CODES = [
  'required', 'invalid_type', 'invalid_format', 'not_allowed',
  'too_short', 'too_long', 'too_small', 'too_large', 'unknown_field',
  'invalid',
] as const;

function codeOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': return 'invalid_type';
    case 'invalid_format': return 'invalid_format';
    case 'invalid_value': return 'not_allowed';
    case 'too_small':
      return LENGTHS.has(issue.origin) ? 'too_short' : 'too_small';
    case 'too_big':
      return LENGTHS.has(issue.origin) ? 'too_long' : 'too_large';
    case 'custom': { // a business rule names its own code
      const declared: unknown = issue.params?.code;
      return typeof declared === 'string' && /^[a-z][a-z0-9_]{2,63}$/
        .test(declared) ? declared : 'invalid';
    }
    default: return 'invalid';
  }
}
// #endregion codes

// #region field-errors
/** One entry per bad field. Messages come from the schema, not input. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[],
  input: unknown): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => entry([...issue.path, key],
        'unknown_field', 'Not a field of this resource.'));
    }
    // zod reports an absent key as a wrong type; clients want "required".
    if (ABSENT_AS.has(issue.code) && isMissing(input, issue.path)) {
      return [entry(issue.path, 'required', 'Required.')];
    }
    return [entry(issue.path, codeOf(issue), issue.message)];
  });
}

/** A key can be megabytes long: past the cap, point at its parent. */
function entry(path: readonly PropertyKey[], code: string,
  detail: string): FieldError {
  const pointer = pointerFragment(path);
  if (pointer.length <= MAX_POINTER_LENGTH) return { pointer, code, detail };
  // Tokens escape '/', so cutting at one leaves an ancestor's pointer.
  return { pointer: pointer.slice(0, pointer.lastIndexOf('/',
    MAX_POINTER_LENGTH)), code, detail: 'A name here is too long to quote.' };
}
// #endregion field-errors

/** True when the last key of `path` is absent (not null) in `input`. */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent: unknown = input;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  return parent !== null && typeof parent === 'object'
    && !Object.hasOwn(parent, path.at(-1)!);
}

// #region read-body
/** The body as `schema` output, or an error the middleware renders. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S,
  maxBytes = MAX_BODY_BYTES): Promise<z.output<S>> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim();
  if (type?.toLowerCase() !== 'application/json') {
    throw new AppError('unsupported-media-type',
      { detail: 'Send the body as application/json.' });
  }
  if (!isIdentity(c.req.raw.headers.get('Content-Encoding'))) {
    throw new AppError('unsupported-media-type', // RFC 9110 §15.5.16
      { detail: 'Send the body without a Content-Encoding.' });
  }
  const text = await readText(c.req.raw, maxBytes);
  if (nestsDeeperThan(text, MAX_DEPTH)) { // before the parser's stack does
    throw new AppError('malformed-request',
      { detail: `The body nests deeper than ${MAX_DEPTH} levels.` });
  }
  let raw: unknown;
  try {
    raw = parseStrictJson(text);
  } catch (error) {
    if (!(error instanceof JsonInputError)) throw error;
    // 400: nothing to validate. The message gives a position or a
    // pointer; V8's own can quote the body, password and all.
    throw new AppError('malformed-request', { detail: error.message });
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // 422: well-formed JSON that breaks the rules (RFC 9110 §15.5.21).
  const errors = fieldErrors(parsed.error.issues, raw);
  throw new AppError('validation-failed', {
    detail: `${errors.length} field(s) failed validation.`,
    extensions: { errors: errors.slice(0, MAX_FIELD_ERRORS) },
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** At most `max` bytes as text: Content-Length can be absent or a lie. */
async function readText(req: Request, max: number): Promise<string> {
  const bytes = await readAtMost(req, max); // Q6's byte-counting reader
  if (bytes === undefined) throw new HTTPException(413); // RFC 9110 §15.5.14
  try {
    return utf8.decode(bytes);
  } catch { // not U+FFFD in place of a password byte
    throw new AppError('malformed-request',
      { detail: 'The body is not valid UTF-8.' });
  }
}
// #endregion read-body

export const signup = z.strictObject({
  email: z.email(),
  password: z.string().min(12).max(256),
  plan: z.enum(['free', 'team']),
  seats: z.number().int().min(1).max(500).optional(),
}).refine((s) => s.plan !== 'team' || s.seats !== undefined, {
  path: ['seats'], message: 'A team plan needs a seat count.',
  params: { code: 'seats_required_for_team' },
});

/** A signup endpoint that validates with `signup`; ids are sequential. */
export function createSignupApp(opts: {
  log: ErrorLog; newId?: () => string; maxBodyBytes?: number | undefined;
}) {
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, opts);
  let seq = 0;
  app.post('/signups', async (c) => {
    const input = await readBody(c, signup, opts.maxBodyBytes);
    c.header('Location', `/accounts/${++seq}`);
    return c.json({ email: input.email, plan: input.plan }, 201);
  });
  return app;
}

if (import.meta.main) {
  let n = 0;
  const app = createSignupApp({ log: () => {}, newId: () => `req-${++n}` });
  const post = (body: string, type = 'application/json') =>
    app.request('/signups', { method: 'POST', body,
      headers: { 'Content-Type': type } });
  const bad = await post(JSON.stringify({ email: 'ann@example', password: 'hunter2',
    seats: 0, 'promo code': 'X' }));
  const { errors, ...rest } = (await bad.json()) as { errors: FieldError[] };
  console.log(bad.status, JSON.stringify(rest));
  for (const e of errors) console.log(`  ${JSON.stringify(e)}`);
  const team = await post('{"email":"ann@example.com","password":"correct horse battery","plan":"team"}');
  const teamErrors = ((await team.json()) as { errors: FieldError[] }).errors;
  console.log(team.status, JSON.stringify(teamErrors));
  const unread: [string, string?][] = [['{"email": "ann@'],
    ['email=ann', 'text/plain'], ['{"plan": "team", "plan": "free"}'],
    [`{"x": ${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}}`],
    [`{"pad": "${'x'.repeat(MAX_BODY_BYTES)}"}`]];
  for (const [body, type] of unread) {
    const res = await post(body, type);
    const p = (await res.json()) as { type: string; title: string; detail?: string };
    console.log(res.status, p.type.split('/').at(-1), p.detail ?? p.title);
  }
  const ok = await post('{"email":"ann@example.com","password":"correct horse battery","plan":"free"}');
  console.log(ok.status, ok.headers.get('Location'));
}
