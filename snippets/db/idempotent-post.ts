/**
 * An idempotent POST: the client sends an `Idempotency-Key`, the server
 * runs the request once per key and replays the stored response to every
 * retry. Status codes follow the IETF httpapi draft: 400 without a key,
 * 409 while the first request is in flight, 422 when the key is reused for
 * a different request. The problem type URIs are this handbook's choice.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context, type Handler } from 'hono';
import { z } from 'zod';
import { DEFAULT_MAX_BYTES, readJsonBody } from '../http/json-body.ts';
import { problem, statusProblem } from '../http/problem.ts';
import {
  claimKey, completeKey, fingerprint, IDEMPOTENCY_SCHEMA, LeaseLostError,
  releaseKey, type Db, type Queryable, type StoredResponse,
} from './idempotency-keys.ts';

const DOCS = 'https://api.example.com/problems/';
const KEY_CHARS = '[A-Za-z0-9._~+/=:-]{1,255}';
// The draft's form is a quoted sf-string; Stripe-style clients send it bare.
const KEY = new RegExp(`^(?:"(${KEY_CHARS})"|(${KEY_CHARS}))$`);

/** The key, or undefined when it is missing, malformed or sent twice. */
export function parseIdempotencyKey(value: string | undefined) {
  const m = KEY.exec(value?.trim() ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

export interface IdempotentOptions<T> {
  db: Db;
  schema: z.ZodType<T>;
  /** Who is calling (from your auth layer): keys are scoped per tenant. */
  tenantOf: (c: Context) => string;
  newToken?: () => string;
  ttlMs?: number;
  leaseMs?: number;
  /** Largest body read; a longer one is refused with 413 (default 64 KiB). */
  maxBodyBytes?: number;
}
export interface Work<T> { tx: Queryable; input: T; tenant: string }

const fail = (status: number, slug: string, title: string, detail: string,
  headers: Record<string, string> = {}) =>
  problem({ type: DOCS + slug, title, status, detail }, headers);

// #region route
/** Wraps a POST handler so that each Idempotency-Key runs it at most once. */
export function idempotent<T>(opts: IdempotentOptions<T>,
  handler: (work: Work<T>) => Promise<StoredResponse>): Handler {
  const { db, newToken = randomUUID } = opts;
  const claimOpts = { newToken, ttlMs: opts.ttlMs ?? 86_400_000,
    leaseMs: opts.leaseMs ?? 30_000 };
  return async (c) => {
    const key = parseIdempotencyKey(c.req.header('Idempotency-Key'));
    if (!key) return fail(400, 'idempotency-key-missing',
      'Idempotency-Key is missing', 'Send one key of 1-255 characters.');
    // Bad input is answered before the key is claimed, so a corrected
    // retry with the same key is a first attempt, not a reuse. Q6's
    // reader stops at maxBodyBytes (413) and rejects bad JSON (400).
    const input = await readJsonBody(c.req.raw, opts.schema,
      opts.maxBodyBytes ?? DEFAULT_MAX_BYTES);
    if (!input.ok) return input.response;
    const { pathname, search } = new URL(c.req.url);
    const tenant = opts.tenantOf(c);
    const ref = { tenant, key,
      fingerprint: fingerprint(c.req.method, pathname + search, input.data) };

    const claim = await claimKey(db, ref, claimOpts);
    if (claim.kind === 'mismatch') return fail(422, 'idempotency-key-reused',
      'Idempotency-Key is already used', 'It was sent with another request.');
    if (claim.kind === 'in-flight') return inFlight(claim.retryAfterSeconds);
    if (claim.kind === 'replay') return toResponse(claim.response, true);
    try {
      return toResponse(await completeKey(db, ref, claim.token,
        (tx) => handler({ tx, input: input.data, tenant })), false);
    } catch (err) {
      if (err instanceof LeaseLostError) return inFlight(1);
      await releaseKey(db, ref, claim.token); // rolled back: let a retry in
      throw err;
    }
  };
}
// #endregion route

const inFlight = (seconds: number) => fail(409, 'request-in-flight',
  'A request is outstanding for this Idempotency-Key',
  'Retry with the same key once it completes.',
  { 'Retry-After': String(seconds) });

function toResponse({ status, headers, body }: StoredResponse,
  replayed: boolean): Response {
  const all = new Headers(headers);
  if (replayed) all.set('Idempotent-Replayed', 'true');
  return new Response(body, { status, headers: all });
}

export const PAYMENTS_SCHEMA = `${IDEMPOTENCY_SCHEMA}
CREATE TABLE IF NOT EXISTS payments (
  id           int  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    text NOT NULL,
  amount_cents int  NOT NULL CHECK (amount_cents > 0),
  currency     text NOT NULL
);`;

const payment = z.strictObject({
  amount_cents: z.number().int().positive().max(100_000_00),
  currency: z.enum(['EUR', 'GBP', 'USD']),
});

/** POST /payments: creates one payment per Idempotency-Key. */
export function createPaymentsApp(deps: Pick<IdempotentOptions<unknown>,
  'db' | 'tenantOf' | 'newToken'>): Hono {
  const app = new Hono();
  app.post('/payments', idempotent({ ...deps, schema: payment },
    async ({ tx, input, tenant }) => {
      const { rows: [row] } = await tx.query<{ id: number }>(`
        INSERT INTO payments (tenant_id, amount_cents, currency)
        VALUES ($1, $2, $3) RETURNING id`,
      [tenant, input.amount_cents, input.currency]);
      const id = `pay_${row?.id}`;
      return { status: 201, body: JSON.stringify({ id, ...input }),
        headers: { 'Content-Type': 'application/json',
          Location: `/payments/${id}` } };
    }));
  app.onError(() => statusProblem(500));
  return app;
}

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(PAYMENTS_SCHEMA);
  let n = 0;
  const deps = { db,
    newToken: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
  const app = createPaymentsApp({ ...deps, tenantOf: () => 'acct_1' });
  const post = (key: string | null, amount: number, pad = '') => app.request(
    '/payments', { method: 'POST', body: JSON.stringify(
      { amount_cents: amount, currency: 'EUR' }) + pad,
    headers: { 'Content-Type': 'application/json',
      ...key ? { 'Idempotency-Key': `"${key}"` } : {} } });
  const show = async (label: string, ...responses: Response[]) => {
    const parts = await Promise.all(responses.map(async (res) => {
      const body = (await res.json()) as
        { id?: string; type?: string; title?: string };
      const extra = res.headers.get('Idempotent-Replayed') ? ' (replayed)'
        : res.headers.has('Retry-After')
          ? ` (Retry-After: ${res.headers.get('Retry-After')})` : '';
      const what = body.id ?? (body.type === 'about:blank'
        ? body.title : body.type?.split('/').pop());
      return `${res.status} ${what}${extra}`;
    }));
    console.log(`${label.padEnd(24)} -> ${parts.join(', ')}`);
  };
  await show('first attempt', await post('k-1', 1200));
  await show('retry, same key', await post('k-1', 1200));
  await show('two at once', ...await Promise.all(
    [post('k-2', 500), post('k-2', 500)]));
  // Another instance claimed k-3 and is still working on it.
  await claimKey(db, { tenant: 'acct_1', key: 'k-3', fingerprint: fingerprint(
    'POST', '/payments', { amount_cents: 700, currency: 'EUR' }) },
  { ...deps, ttlMs: 86_400_000, leaseMs: 30_000 });
  await show('k-3 still in flight', await post('k-3', 700));
  await show('same key, new amount', await post('k-1', 9900));
  await show('no key', await post(null, 1200));
  await show('1 MiB body', await post('k-4', 1200, ' '.repeat(1 << 20)));
  const count = await db.query('SELECT count(*)::int AS n FROM payments');
  console.log(`payments created: ${(count.rows[0] as { n: number }).n}`);
  await db.close();
}
