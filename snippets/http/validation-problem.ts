/**
 * Validation failures as RFC 9457 problems. A body that cannot be read is
 * a 400; one that parses but breaks the schema is a 422 listing every bad
 * field as a JSON Pointer with a stable code, so a client can mark each
 * input and switch on the code without parsing English.
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from './error-catalog.ts';
import { useProblemErrors, type ErrorLog, type ProblemEnv } from './error-middleware.ts';
import { pointerFragment } from './strict-json.ts';


export interface FieldError {
  pointer: string;
  /** One of FIELD_CODES, or a code a schema rule declares in `params`. */
  code: string;
  detail: string;
}

/** Enough to fix a form; caps the response an abusive body can cause. */
export const MAX_FIELD_ERRORS = 50;

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
      return issue.keys.map((key) => ({
        pointer: pointerFragment([...issue.path, key]),
        code: 'unknown_field', detail: 'Not a field of this resource.',
      }));
    }
    const pointer = pointerFragment(issue.path);
    // zod reports an absent key as a wrong type; clients want "required".
    if (ABSENT_AS.has(issue.code) && isMissing(input, issue.path)) {
      return [{ pointer, code: 'required', detail: 'Required.' }];
    }
    return [{ pointer, code: codeOf(issue), detail: issue.message }];
  });
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
/** The body as `schema` output, or an AppError the middleware renders. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S):
  Promise<z.output<S>> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim();
  if (type?.toLowerCase() !== 'application/json') {
    throw new AppError('unsupported-media-type',
      { detail: 'Send the body as application/json.' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    // 400: nothing to validate. Never echo the parser's message: V8's
    // can quote the body back, password and all.
    throw new AppError('malformed-request',
      { detail: 'The body is not valid JSON.' });
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
export function createSignupApp(opts: { log: ErrorLog; newId?: () => string }) {
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, opts);
  let seq = 0;
  app.post('/signups', async (c) => {
    const input = await readBody(c, signup);
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
  for (const [body, type] of [['{"email": "ann@', undefined], ['email=ann', 'text/plain']]) {
    const res = await post(body!, type);
    console.log(res.status, ((await res.json()) as { type: string }).type);
  }
  const ok = await post('{"email":"ann@example.com","password":"correct horse battery","plan":"free"}');
  console.log(ok.status, ok.headers.get('Location'));
}
