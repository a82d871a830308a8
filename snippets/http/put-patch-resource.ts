/**
 * One resource, two ways to change it. PUT carries the complete new state
 * and replaces what is stored; PATCH carries a JSON Merge Patch (RFC 7396)
 * naming only what changes. Every write says which version it expects with
 * If-Match, so no client overwrites a change it has not seen.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.4
 * @see https://www.rfc-editor.org/rfc/rfc5789#section-2
 */
import { isDeepStrictEqual } from 'node:util';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { etagOf, ifMatchHolds, ifNoneMatchHits } from './etag.ts';
import { MERGE_PATCH_JSON, mergePatch, type JsonValue } from './merge-patch.ts';
import { statusProblem } from './problem.ts';
import { pointerFragment } from './strict-json.ts';

/** The whole state of a profile: what PUT must send and PATCH must leave. */
export const profileSchema = z.strictObject({
  name: z.string().min(1).max(100),
  email: z.email(),
  bio: z.string().max(500).optional(),
  tags: z.array(z.string().min(1).max(30)).max(10),
});
export type Profile = z.infer<typeof profileSchema>;

/** Storage; production injects a database (see Q65 for the SQL version). */
export interface ProfileStore {
  get(id: string): Profile | undefined;
  set(id: string, profile: Profile): void;
}

export interface ProfileAppOptions {
  /** Refuse writes that carry no precondition with 428 (RFC 6585 §3). */
  requireConditional?: boolean;
}

const MAX_BODY = 16 * 1024;

/** 415 unless the body is declared as `type` (parameters ignored). */
function refuseMediaType(c: Context, type: string): Response | undefined {
  const sent = c.req.header('Content-Type')?.split(';')[0]?.trim();
  if (sent?.toLowerCase() === type) return undefined;
  // RFC 5789 §2.2: tell a PATCH client which patch formats do work.
  const headers: Record<string, string> =
    type === MERGE_PATCH_JSON ? { 'Accept-Patch': MERGE_PATCH_JSON } : {};
  return statusProblem(415, `Send ${type}.`, headers);
}

function parseJson(text: string): JsonValue | Response {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return statusProblem(400, 'The body is not valid JSON.');
  }
}

function validProfile(value: unknown): Profile | Response {
  const parsed = profileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) =>
    ({ pointer: pointerFragment(issue.path), detail: issue.message }));
  return statusProblem(422, 'The result is not a valid profile.', {},
    { errors });
}

// #region preconditions
/** 428 when the server requires a condition and the request has none. */
function missingCondition(c: Context, required: boolean) {
  if (!required || c.req.header('If-Match') !== undefined
    || c.req.header('If-None-Match') !== undefined) return undefined;
  return statusProblem(428, 'Send If-Match with the '
    + 'ETag you last read, or If-None-Match: * to create.');
}

/**
 * RFC 9110 §13.2.2 order: If-Match, then If-None-Match. Names the
 * condition that failed, or undefined when the write may go ahead.
 */
function failedCondition(c: Context, current: Profile | undefined) {
  const tag = current === undefined ? undefined : etagOf(current);
  // Strong comparison: a weak or stale tag fails.
  if (!ifMatchHolds(c.req.header('If-Match'), tag)) return 'If-Match';
  const ifNoneMatch = c.req.header('If-None-Match');
  // "*" hits anything that exists.
  if (ifNoneMatch !== undefined && tag !== undefined
    && ifNoneMatchHits(ifNoneMatch, tag)) return 'If-None-Match';
  return undefined;
}

/**
 * A failed If-Match may still get 2xx when what the request asks for is
 * already stored (§13.1.1): the retry of a write whose answer was lost.
 * If-None-Match has no such exception (§13.1.2), nor has a bad body.
 */
function alreadyApplied(failed: 'If-Match' | 'If-None-Match',
  current: Profile | undefined, wanted: Profile | Response): boolean {
  return failed === 'If-Match' && !(wanted instanceof Response)
    && isDeepStrictEqual(wanted, current);
}

const preconditionFailed = () => statusProblem(412, 'The profile is not '
  + 'in the state this request expects; GET it again and reapply.');
// #endregion preconditions

/** Builds the app; tests drive it with `app.request()`. */
export function createProfileApp(store: ProfileStore,
  { requireConditional = true }: ProfileAppOptions = {}) {
  const app = new Hono();
  const notFound = (c: Context) =>
    statusProblem(404, `No profile at ${c.req.path}.`);

  app.use('/profiles/:id', bodyLimit({
    maxSize: MAX_BODY,
    onError: () => statusProblem(413, `Limit: ${MAX_BODY} bytes.`),
  }));

  app.get('/profiles/:id', (c) => {
    const profile = store.get(c.req.param('id'));
    if (!profile) return notFound(c);
    c.header('ETag', etagOf(profile));
    c.header('Accept-Patch', MERGE_PATCH_JSON);
    return c.json(profile);
  });

  // #region put
  app.put('/profiles/:id', async (c) => {
    const refused = refuseMediaType(c, 'application/json')
      ?? missingCondition(c, requireConditional);
    if (refused) return refused;
    const text = await c.req.text();
    // No await from here to set(): the check and the write are one step.
    // With a database, that is UPDATE ... WHERE etag = $expected.
    const id = c.req.param('id');
    const current = store.get(id);
    const failed = failedCondition(c, current);
    // The body is the whole new state: a missing field is an error,
    // never "leave it as it was".
    const body = parseJson(text);
    const next = body instanceof Response ? body : validProfile(body);
    // A failed condition outranks a bad body (§13.2.1).
    if (failed && !alreadyApplied(failed, current, next)) {
      return preconditionFailed();
    }
    if (next instanceof Response) return next;
    if (!failed) store.set(id, next); // else it is stored already
    const stored = JSON.stringify(next);
    // An ETag on a PUT response says "what you sent is now the
    // representation, byte for byte" (RFC 9110 §9.3.4). Only then.
    if (stored === text) c.header('ETag', etagOf(next));
    return c.body(stored, current ? 200 : 201,
      { 'Content-Type': 'application/json' });
  });
  // #endregion put

  // #region patch
  app.patch('/profiles/:id', async (c) => {
    const refused = refuseMediaType(c, MERGE_PATCH_JSON);
    if (refused) return refused;
    const text = await c.req.text();
    const id = c.req.param('id');
    const current = store.get(id);
    if (!current) return notFound(c); // a 404 outranks any precondition
    const missing = missingCondition(c, requireConditional);
    if (missing) return missing;
    const failed = failedCondition(c, current);
    const patch = parseJson(text);
    // Validate the result, not the patch: a well-formed patch can still
    // leave an invalid profile, and then nothing is stored (422).
    const next = patch instanceof Response ? patch
      : validProfile(mergePatch(current, patch));
    if (failed && !alreadyApplied(failed, current, next)) {
      return preconditionFailed();
    }
    if (next instanceof Response) return next;
    if (!failed) store.set(id, next);
    c.header('ETag', etagOf(next));
    return c.json(next);
  });
  // #endregion patch

  app.notFound(notFound);
  return app;
}

/** In-memory store; values are replaced, never mutated in place. */
export function memoryProfileStore(): ProfileStore {
  const profiles = new Map<string, Profile>();
  return {
    get: (id) => profiles.get(id),
    set: (id, profile) => void profiles.set(id, profile),
  };
}

if (import.meta.main) {
  const app = createProfileApp(memoryProfileStore());
  const send = async (label: string, method: string, body: string,
    headers: Record<string, string> = {}) => {
    const type = method === 'PATCH' && !label.includes('application/json')
      ? MERGE_PATCH_JSON : 'application/json';
    const res = await app.request('/profiles/ada',
      { method, body, headers: { 'Content-Type': type, ...headers } });
    const text = await res.text();
    const error = res.ok ? undefined
      : JSON.parse(text) as { title: string; errors?: { pointer: string }[] };
    const shown = !error ? text : error.errors
      ? `invalid: ${error.errors.map((e) => e.pointer).join(', ')}` : error.title;
    const etag = res.headers.has('ETag') ? ' +ETag' : '';
    console.log(`${label} -> ${res.status}${etag} ${shown}`);
    return res.headers.get('ETag') ?? '';
  };
  const ada = JSON.stringify({ name: 'Ada', email: 'ada@example.com',
    bio: 'Analyst', tags: ['math'] });
  const v1 = await send('PUT ada If-None-Match: *', 'PUT', ada,
    { 'If-None-Match': '*' });
  const edit = '{"bio":null,"tags":["code"]}';
  const v2 = await send(`PATCH ${edit} If-Match: v1`, 'PATCH', edit,
    { 'If-Match': v1 });
  await send('PUT {"name":"Ada L."} If-Match: v2', 'PUT', '{"name":"Ada L."}',
    { 'If-Match': v2 });
  await send('PUT ada If-Match: v1 (stale)', 'PUT', ada, { 'If-Match': v1 });
  await send('PUT ada (no precondition)', 'PUT', ada);
  await send('PATCH {"email":null} If-Match: v2', 'PATCH', '{"email":null}',
    { 'If-Match': v2 });
  await send('PATCH as application/json', 'PATCH', '{"name":"Ada L."}',
    { 'If-Match': v2 });
  await send('PATCH {"name":"Ada L."} If-Match: v2', 'PATCH',
    '{"name":"Ada L."}', { 'If-Match': v2 });
  // Its answer was lost: the identical retry finds the change applied.
  await send('PATCH {"name":"Ada L."} If-Match: v2, again', 'PATCH',
    '{"name":"Ada L."}', { 'If-Match': v2 });
}
