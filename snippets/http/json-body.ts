/**
 * Reading a JSON request body at the API boundary: check the media type and
 * coding, cap the size while the bytes arrive, decode strict UTF-8, cap the
 * nesting, parse without silent rounding or duplicate keys, then validate.
 * Each failure is an RFC 9457 problem that says what to fix, and stays
 * small whatever the body was.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { statusProblem } from './problem.ts';
import {
  JsonInputError, nestsDeeperThan, parseStrictJson, pointerFragment,
} from './strict-json.ts';

export const DEFAULT_MAX_BYTES = 64 * 1024;
/** Far deeper than any real payload; the strict parser's reviver walk
 *  overflows Node 24's stack near 2,300 levels. */
export const MAX_DEPTH = 64;
/** Enough to fix a request; 30,000 would turn 64 KB into a 2 MB 422. */
export const MAX_ERRORS = 20;

export type BodyResult<T> =
  | { ok: true; data: T }
  | { ok: false; response: Response };

function reject(status: 400 | 413 | 415 | 422, detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {}): { ok: false; response: Response } {
  return { ok: false,
    response: statusProblem(status, detail, headers, extensions) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// #region read-json
/** The body as `schema` output, or the 4xx response that says why not. */
export async function readJsonBody<S extends z.ZodType>(request: Request,
  schema: S, maxBytes = DEFAULT_MAX_BYTES): Promise<BodyResult<z.output<S>>> {
  if (!isJsonUtf8(request.headers.get('Content-Type'))) {
    return reject(415, 'Send the body as application/json in UTF-8.', {},
      { Accept: 'application/json' });
  }
  if (!isIdentity(request.headers.get('Content-Encoding'))) {
    return reject(415, 'Send the body without a Content-Encoding.', {},
      { 'Accept-Encoding': 'identity' }); // RFC 9110 §12.5.3
  }
  const bytes = await readAtMost(request, maxBytes);
  if (!bytes) return reject(413, `The body is over ${maxBytes} bytes.`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return reject(400, 'The body is not valid UTF-8.');
  }
  if (nestsDeeperThan(text, MAX_DEPTH)) { // before the parser's stack does
    return reject(400, `The body nests deeper than ${MAX_DEPTH} levels.`);
  }
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (error) {
    if (!(error instanceof JsonInputError)) throw error;
    return reject(400, error.message);
  }
  // Valid JSON, wrong shape: 422 with a pointer per failed field.
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data }
    : invalid(parsed.error.issues);
}

/** For handlers: the validated body, or the problem `Response` to return. */
export async function bodyOrProblem<S extends z.ZodType>(request: Request,
  schema: S, maxBytes = DEFAULT_MAX_BYTES): Promise<z.output<S> | Response> {
  const body = await readJsonBody(request, schema, maxBytes);
  return body.ok ? body.data : body.response;
}

// Counts bytes as they arrive: Content-Length can be absent or a lie.
export async function readAtMost(request: Request, max: number) {
  if (Number(request.headers.get('Content-Length')) > max) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body ?? []) {
    size += chunk.byteLength;
    if (size > max) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
// #endregion read-json

/** The 422, at most MAX_ERRORS entries, each clipped: small whatever came. */
function invalid(issues: readonly z.core.$ZodIssue[]) {
  const errors = issues.slice(0, MAX_ERRORS).map((issue) => ({
    pointer: shortPointer(issue.path), detail: clip(issue.message),
  }));
  return reject(422, issues.length > MAX_ERRORS ? 'The body failed validation:'
    + ` ${issues.length} problems, the first ${MAX_ERRORS} listed.`
    : 'The body failed validation.', { errors });
}

/** No coding, or `identity`: nothing here decompresses a request body. */
export function isIdentity(header: string | null): boolean {
  return header === null || header.trim().toLowerCase() === 'identity';
}

/** A key can be as long as the body: past 128 characters, name its parent. */
function shortPointer(path: readonly PropertyKey[]): string {
  const pointer = pointerFragment(path);
  // Tokens escape '/', so cutting at one leaves an ancestor's pointer.
  return pointer.length <= 128 ? pointer
    : pointer.slice(0, pointer.lastIndexOf('/', 128));
}

/** zod quotes unknown keys in its messages; keep them to one line. */
const clip = (text: string, max = 200) =>
  (text.length <= max ? text : `${text.slice(0, max)}…`);

/** `application/json`, any case, with no charset or a UTF-8 one (§8.1). */
function isJsonUtf8(header: string | null): boolean {
  const [type, ...params] = (header ?? '').toLowerCase().split(';')
    .map((part) => part.trim());
  const charset = params.find((p) => p.startsWith('charset='))
    ?.slice('charset='.length).replaceAll('"', '');
  return type === 'application/json'
    && (charset === undefined || charset === 'utf-8');
}

// #region schema
export const transferInput = z.strictObject({
  // A 64-bit id does not fit a double, so it travels as a string.
  accountId: z.string().regex(/^[1-9]\d{0,18}$/)
    .refine((s) => BigInt(s) < 2n ** 63n, 'must fit a signed 64-bit id'),
  // Money in integer minor units: 0.1 + 0.2 !== 0.3 in binary floating point.
  amountCents: z.int().positive(),
  currency: z.enum(['EUR', 'GBP', 'USD']),
  // JSON has no date type: RFC 3339 text, offset required, calendar-checked.
  executeAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
});
// #endregion schema

/** Transfers API; `nextId` is injected so ids are predictable in tests. */
export function createTransferApp(nextId: () => bigint): Hono {
  const app = new Hono();
  app.post('/transfers', async (c) => {
    const body = await readJsonBody(c.req.raw, transferInput);
    if (!body.ok) return body.response;
    const transfer = { id: String(nextId()), ...body.data };
    c.header('Location', `/transfers/${transfer.id}`);
    return c.json(transfer, 201); // the Date goes out as toISOString()
  });
  return app;
}

if (import.meta.main) {
  let seq = 2n ** 53n;
  const app = createTransferApp(() => ++seq);
  const ok = '{"accountId":"9223372036854775807","amountCents":1250,'
    + '"currency":"EUR","executeAt":"2025-03-01T09:30:00+01:00"}';
  const cases: [string, string, string?][] = [
    ['valid', ok],
    ['text/plain', ok, 'text/plain'],
    ['truncated', ok.slice(0, 30)],
    ['id as a number', ok.replace('"9223372036854775807"', '9007199254740993')],
    ['duplicate key', ok.replace('{', '{"amountCents":1,')],
    ['February 30', ok.replace('03-01', '02-30')],
    ['fractional cents', ok.replace('1250', '12.5')],
    ['1 MiB body', `{"pad":"${'x'.repeat(1 << 20)}"}`],
  ];
  for (const [label, body, type = 'application/json'] of cases) {
    const res = await app.request('/transfers',
      { method: 'POST', body, headers: { 'Content-Type': type } });
    const json = await res.json() as Record<string, unknown>;
    const shown = res.ok
      ? JSON.stringify({ id: json.id, executeAt: json.executeAt })
      : [json.detail, json.errors && JSON.stringify(json.errors)]
        .filter(Boolean).join(' ');
    console.log(`${label.padEnd(16)} ${res.status} ${shown}`);
  }
}
