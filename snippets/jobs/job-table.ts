/**
 * A job queue in one PostgreSQL table: enqueue, claim with
 * `FOR UPDATE SKIP LOCKED`, a lease (`locked_until`) that a crashed worker
 * cannot hold forever, and completion fenced by a claim counter that never
 * goes back, so a worker whose lease was taken over cannot finish the job.
 * Time comes from the database's `now()`: every worker shares one clock.
 * @see https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
import type { Db, Queryable } from '../db/idempotency-keys.ts';

export type { Db, Queryable };

// #region schema
export const JOBS_SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id           uuid        PRIMARY KEY,
  owner        text        NOT NULL,     -- who may read its status
  kind         text        NOT NULL,     -- which handler runs it
  payload      jsonb       NOT NULL,
  state        text        NOT NULL DEFAULT 'queued' CHECK (state IN
               ('queued', 'running', 'failed', 'done', 'dead')),
  attempts     int         NOT NULL DEFAULT 0,  -- spent; release gives back
  claims       int         NOT NULL DEFAULT 0,  -- fencing token; only grows
  max_attempts int         NOT NULL CHECK (max_attempts BETWEEN 1 AND 25),
  run_at       timestamptz NOT NULL DEFAULT now(),  -- not before this
  locked_by    text,
  locked_until timestamptz,              -- the lease; past it, reclaimable
  result       jsonb,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
-- The claim reads only these two slices of the table.
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at)
  WHERE state IN ('queued', 'failed');
CREATE INDEX IF NOT EXISTS jobs_leased ON jobs (locked_until)
  WHERE state = 'running';`;
// #endregion schema

export type JobState = 'queued' | 'running' | 'failed' | 'done' | 'dead';

/** A claimed job; `token` fences every write that follows the claim. */
export interface Lease {
  id: string;
  kind: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  /** The claim's number: unlike `attempt`, never handed out twice. */
  token: number;
}

/** The worker's lease is gone: another worker claimed the job since. */
export class LeaseLostError extends Error {
  constructor(id: string, token: number) {
    super(`job ${id}: claim ${token} no longer holds the lease`);
    this.name = 'LeaseLostError';
  }
}

const KIND = /^[a-z][a-z0-9_.-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_ERROR_CHARS = 500;
const CONTROL = /[\u0000-\u001f\u007f]/g; // NUL fails a text column

/** One line, at most 500 characters: safe to store and to show. */
export const cleanError = (error: string) =>
  error.replace(CONTROL, ' ').slice(0, MAX_ERROR_CHARS);

function checkMs(name: string, ms: number, min: number, max: number) {
  if (!Number.isInteger(ms) || ms < min || ms > max) {
    throw new RangeError(`${name} must be an integer ${min}-${max}, got ${ms}`);
  }
}

export function checkId(id: string): string {
  if (!UUID.test(id)) throw new TypeError(`not a job id: ${JSON.stringify(id)}`);
  return id;
}

export interface NewJob {
  id: string;
  owner: string;
  kind: string;
  payload: unknown;
  maxAttempts?: number;
  /** Run no sooner than this many ms from now. */
  delayMs?: number;
}

/** Stores a job; `tx` may be the transaction that made the request's data. */
export async function enqueue(tx: Queryable, job: NewJob): Promise<void> {
  const { id, owner, kind, payload, maxAttempts = 5, delayMs = 0 } = job;
  checkId(id);
  if (!KIND.test(kind)) throw new TypeError(`bad job kind: ${kind}`);
  if (owner.length === 0 || owner.length > 200) {
    throw new TypeError('owner must be 1-200 characters');
  }
  checkMs('maxAttempts', maxAttempts, 1, 25);
  checkMs('delayMs', delayMs, 0, 30 * 86_400_000);
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('payload must be JSON');
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`payload over ${MAX_PAYLOAD_BYTES} bytes: store `
      + 'the data elsewhere and enqueue its id');
  }
  await tx.query(`INSERT INTO jobs
    (id, owner, kind, payload, max_attempts, run_at)
    VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 ms')`,
  [id, owner, kind, json, maxAttempts, delayMs]);
}

// #region claim
/**
 * Takes up to `limit` due jobs for `worker` and leases them for `leaseMs`.
 * Rows another worker is claiming right now are skipped, not waited for.
 */
export async function claimJobs(db: Queryable, worker: string,
  limit: number, leaseMs: number): Promise<Lease[]> {
  checkMs('limit', limit, 1, 100);
  checkMs('leaseMs', leaseMs, 1_000, 43_200_000); // up to 12 h
  const { rows } = await db.query<LeaseRow>(`
    WITH next AS (
      SELECT id FROM jobs
      WHERE (state IN ('queued', 'failed') AND run_at <= now())
         OR (state = 'running' AND locked_until <= now()
             AND attempts < max_attempts)      -- its worker died
      ORDER BY run_at, id
      LIMIT $1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs j SET state = 'running', attempts = j.attempts + 1,
      claims = j.claims + 1, locked_by = $2,
      locked_until = now() + $3 * interval '1 ms', updated_at = now()
    FROM next WHERE j.id = next.id
    RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.claims`,
  [limit, worker, leaseMs]);
  return rows.map(toLease);
}
// #endregion claim

interface LeaseRow {
  id: string; kind: string; payload: unknown;
  attempts: number; max_attempts: number; claims: number;
}
const toLease = (r: LeaseRow): Lease => ({ id: r.id, kind: r.kind,
  payload: r.payload, attempt: r.attempts, maxAttempts: r.max_attempts,
  token: r.claims });

// #region finish
/**
 * Marks the job done and stores `result`, in one transaction with `apply`
 * (the job's own writes, if they live in this database). Fenced: only the
 * attempt that holds the lease can finish, so a late one rolls back.
 */
export async function completeJob(db: Db, lease: Lease, result: unknown,
  apply?: (tx: Queryable) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query(`UPDATE jobs SET state = 'done',
        result = $3, last_error = NULL, locked_by = NULL,
        locked_until = NULL, updated_at = now()
      WHERE id = $1 AND state = 'running' AND claims = $2
      RETURNING id`, [lease.id, lease.token, JSON.stringify(result ?? null)]);
    if (rows.length === 0) throw new LeaseLostError(lease.id, lease.token);
    await apply?.(tx);
  });
}

/**
 * Records a failed attempt: back to the queue after `retryInMs`, or to the
 * dead letters when it was the last attempt or `permanent` says retrying
 * cannot help. Returns the state the job is now in.
 */
export async function failJob(db: Queryable, lease: Lease, error: string,
  { retryInMs, permanent = false }: { retryInMs: number; permanent?: boolean },
): Promise<'failed' | 'dead'> {
  checkMs('retryInMs', retryInMs, 0, 86_400_000);
  const { rows } = await db.query<{ state: 'failed' | 'dead' }>(`
    UPDATE jobs SET
      state = CASE WHEN $3 OR attempts >= max_attempts
                   THEN 'dead' ELSE 'failed' END,
      run_at = now() + $4 * interval '1 ms', last_error = $5,
      locked_by = NULL, locked_until = NULL, updated_at = now()
    WHERE id = $1 AND state = 'running' AND claims = $2
    RETURNING state`,
  [lease.id, lease.token, permanent, retryInMs, cleanError(error)]);
  const state = rows[0]?.state;
  if (!state) throw new LeaseLostError(lease.id, lease.token);
  return state;
}
// #endregion finish

// #region lease
/** Extends the lease while the job makes progress; throws once it is lost. */
export async function heartbeat(db: Queryable, lease: Lease,
  leaseMs: number): Promise<void> {
  checkMs('leaseMs', leaseMs, 1_000, 43_200_000);
  const { rows } = await db.query(`UPDATE jobs
    SET locked_until = now() + $3 * interval '1 ms', updated_at = now()
    WHERE id = $1 AND state = 'running' AND claims = $2
    RETURNING id`, [lease.id, lease.token, leaseMs]);
  if (rows.length === 0) throw new LeaseLostError(lease.id, lease.token);
}

/**
 * Hands an unfinished job back at once (graceful shutdown): due now, and
 * the attempt does not count, since the job did not fail. `claims` stays:
 * the next claim gets a new token even though it reuses the attempt.
 */
export async function releaseJob(db: Queryable, lease: Lease): Promise<void> {
  const { rows } = await db.query(`UPDATE jobs SET state = 'queued',
      attempts = attempts - 1, run_at = now(), locked_by = NULL,
      locked_until = NULL, updated_at = now()
    WHERE id = $1 AND state = 'running' AND claims = $2
    RETURNING id`, [lease.id, lease.token]);
  if (rows.length === 0) throw new LeaseLostError(lease.id, lease.token);
}
// #endregion lease

export interface JobStatus {
  id: string;
  kind: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  result: unknown;
  error: string | null;
}

/** The job as its owner may see it, or null: unknown and not-yours look alike. */
export async function jobStatus(db: Queryable, id: string, owner: string)
  : Promise<JobStatus | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<{
    id: string; kind: string; state: JobState; attempts: number;
    max_attempts: number; result: unknown; last_error: string | null;
  }>(`SELECT id, kind, state, attempts, max_attempts, result, last_error
      FROM jobs WHERE id = $1 AND owner = $2`, [id, owner]);
  const r = rows[0];
  return r ? { id: r.id, kind: r.kind, state: r.state, attempts: r.attempts,
    maxAttempts: r.max_attempts, result: r.result, error: r.last_error } : null;
}
