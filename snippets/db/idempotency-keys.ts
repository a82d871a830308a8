/**
 * The idempotency-key store behind an idempotent POST: one row per
 * (tenant, key) that is claimed atomically, completed in the same
 * transaction as the side effect, and replayed until it expires.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 * @see https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
 */
import { createHash } from 'node:crypto';

// #region schema
export const IDEMPOTENCY_SCHEMA = `
CREATE TABLE IF NOT EXISTS idempotency_keys (
  tenant_id    text        NOT NULL,
  key          text        NOT NULL,
  fingerprint  text        NOT NULL,  -- sha256(method, path, body)
  state        text        NOT NULL
               CHECK (state IN ('in_flight', 'completed')),
  lease_token  uuid,                  -- the one request allowed to finish
  locked_until timestamptz,           -- lease end: a crash frees the key
  status       int,
  headers      jsonb,
  body         text,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, key),
  CHECK (state = 'in_flight' OR status IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expiry
  ON idempotency_keys (expires_at);`;

/** Method, path and the body in canonical form: key order doesn't count. */
export function fingerprint(method: string, path: string, body: unknown) {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}
// #endregion schema

/** JSON with object keys sorted by UTF-16 code unit, as RFC 8785 does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`not a JSON value: ${value}`);
  return text;
}

/** One session: PGlite, a transaction, or a `pg` pool (postgres-server.ts). */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[]; affectedRows?: number }>;
}
/** A database that can also run a function inside one transaction. */
export interface Db extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}
export interface StoredResponse {
  status: number; headers: Record<string, string>; body: string;
}
export interface KeyRef { tenant: string; key: string; fingerprint: string }
export interface ClaimOptions {
  newToken: () => string; // a UUID; crypto.randomUUID in production
  ttlMs: number; // how long a key is remembered (Stripe: at least 24 h)
  leaseMs: number; // how long an in-flight claim holds without progress
}
export type Claim =
  | { kind: 'owned'; token: string }
  | { kind: 'in-flight'; retryAfterSeconds: number }
  | { kind: 'mismatch' }
  | { kind: 'replay'; response: StoredResponse };

/** The lease was taken over: this request must not commit its effect. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

interface Row {
  fingerprint: string; state: string; retry_after: number | null;
  status: number | null; headers: Record<string, string> | null;
  body: string | null;
}

// #region claim
/**
 * Claims `ref.key` for this request, or says why another one has it. Every
 * deadline is the database's clock (`now()`), so app servers whose clocks
 * disagree cannot cut each other's leases short.
 */
export async function claimKey(db: Db, ref: KeyRef, opts: ClaimOptions)
  : Promise<Claim> {
  checkOptions(opts, ref);
  const token = opts.newToken();
  const id = [ref.tenant, ref.key, ref.fingerprint, token,
    opts.leaseMs, opts.ttlMs];
  for (let attempt = 0; attempt < 3; attempt++) {
    // The primary key makes this atomic: one insert wins, the rest see 0.
    const fresh = await db.query(`
      INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state,
        lease_token, locked_until, expires_at)
      VALUES ($1, $2, $3, 'in_flight', $4, now() + $5 * interval '1 ms',
        now() + $6 * interval '1 ms')
      ON CONFLICT (tenant_id, key) DO NOTHING
      RETURNING key`, id);
    if (fresh.rows.length === 1) return { kind: 'owned', token };
    // Expired, or in flight past its lease with the same request: take
    // over, unless its owner is still committing (it holds the row lock).
    const taken = await db.query(`
      UPDATE idempotency_keys SET fingerprint = $3, state = 'in_flight',
        lease_token = $4, locked_until = now() + $5 * interval '1 ms',
        expires_at = now() + $6 * interval '1 ms',
        status = NULL, headers = NULL, body = NULL
      WHERE (tenant_id, key) IN (SELECT tenant_id, key
        FROM idempotency_keys
        WHERE tenant_id = $1 AND key = $2 AND (expires_at <= now()
          OR (state = 'in_flight' AND locked_until <= now()
              AND fingerprint = $3))
        FOR UPDATE SKIP LOCKED)
      RETURNING key`, id);
    if (taken.rows.length === 1) return { kind: 'owned', token };
    const { rows: [row] } = await db.query<Row>(`
      SELECT fingerprint, state, status, headers, body,
        ceil(extract(epoch FROM locked_until - now()))::int AS retry_after
      FROM idempotency_keys
      WHERE tenant_id = $1 AND key = $2 AND expires_at > now()`,
    [ref.tenant, ref.key]);
    if (!row) continue; // released or expired a moment ago: try again
    if (row.fingerprint !== ref.fingerprint) return { kind: 'mismatch' };
    if (row.state === 'in_flight') return { kind: 'in-flight',
      retryAfterSeconds: Math.max(1, row.retry_after ?? 1) };
    return { kind: 'replay', response: {
      status: row.status ?? 500, headers: row.headers ?? {},
      body: row.body ?? '' } };
  }
  return { kind: 'in-flight', retryAfterSeconds: 1 };
}
// #endregion claim

// #region complete
/**
 * Runs `work` and stores its response in one transaction, so the side
 * effect and the "done" mark commit together or not at all.
 */
export async function completeKey(db: Db, ref: KeyRef, token: string,
  work: (tx: Queryable) => Promise<StoredResponse>)
  : Promise<StoredResponse> {
  return db.transaction(async (tx) => {
    // Fencing: while we hold the row lock, a takeover skips the row.
    const fence = await tx.query(`
      SELECT 1 FROM idempotency_keys WHERE tenant_id = $1 AND key = $2
        AND lease_token = $3 AND state = 'in_flight' FOR UPDATE`,
    [ref.tenant, ref.key, token]);
    if (fence.rows.length === 0) {
      throw new LeaseLostError(`lease on key ${ref.key} was taken over`);
    }
    const response = await work(tx);
    await tx.query(`
      UPDATE idempotency_keys SET state = 'completed', status = $3,
        headers = $4, body = $5, lease_token = NULL, locked_until = NULL
      WHERE tenant_id = $1 AND key = $2`, [ref.tenant, ref.key,
      response.status, JSON.stringify(response.headers), response.body]);
    return response;
  });
}

/** Frees a key whose work failed and rolled back, so a retry can run. */
export async function releaseKey(db: Db, ref: KeyRef, token: string) {
  await db.query(`DELETE FROM idempotency_keys WHERE tenant_id = $1
    AND key = $2 AND lease_token = $3 AND state = 'in_flight'`,
  [ref.tenant, ref.key, token]);
}
// #endregion complete

/** Deletes expired keys; run it on a schedule. Returns how many went. */
export async function purgeExpired(db: Queryable): Promise<number> {
  const res = await db.query(
    'DELETE FROM idempotency_keys WHERE expires_at <= now()');
  return res.affectedRows ?? 0;
}

function checkOptions({ ttlMs, leaseMs }: ClaimOptions, ref: KeyRef): void {
  for (const field of ['tenant', 'key', 'fingerprint'] as const) {
    const value = ref[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
      throw new TypeError(`${field} must be a string of 1-255 characters`);
    }
  }
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 1000) {
    throw new RangeError(`leaseMs must be an integer >= 1000, got ${leaseMs}`);
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= leaseMs) {
    throw new RangeError(`ttlMs must be an integer > leaseMs, got ${ttlMs}`);
  }
}
