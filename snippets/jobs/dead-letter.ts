/**
 * The dead letters of the job table: jobs that will not run again on their
 * own. A job lands here when its handler says retrying cannot help
 * (`PermanentError`), when its last attempt fails, or when its worker dies
 * on the last attempt (a poison message that crashes whoever takes it).
 * An operator reads them, fixes the cause, and redrives them.
 */
import { checkId, type Queryable } from './job-table.ts';

/** Thrown by a handler when another attempt would fail the same way. */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

// #region bury
/**
 * Moves jobs whose lease ran out on their last attempt to the dead letters.
 * The claim skips them, so without this they would sit in 'running'.
 */
export async function buryExpired(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`UPDATE jobs SET
      state = 'dead', locked_by = NULL, locked_until = NULL,
      last_error = 'lease expired on attempt ' || attempts
        || ' of ' || max_attempts || ': the worker stopped or hung',
      updated_at = now()
    WHERE state = 'running' AND locked_until <= now()
      AND attempts >= max_attempts
    RETURNING id`);
  return rows.map((r) => r.id);
}
// #endregion bury

export interface DeadJob {
  id: string;
  kind: string;
  attempts: number;
  error: string | null;
}

/** The oldest dead jobs first, for a dashboard or an alert. */
export async function listDead(db: Queryable, limit = 50)
  : Promise<DeadJob[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`limit must be 1-1000, got ${limit}`);
  }
  const { rows } = await db.query<{
    id: string; kind: string; attempts: number; last_error: string | null;
  }>(`SELECT id, kind, attempts, last_error FROM jobs WHERE state = 'dead'
      ORDER BY updated_at, id LIMIT $1`, [limit]);
  return rows.map((r) => ({ id: r.id, kind: r.kind, attempts: r.attempts,
    error: r.last_error }));
}

// #region redrive
/**
 * Puts a dead job back in the queue with a fresh set of attempts, once the
 * cause is fixed. Only a dead job: redriving a running one would run it
 * twice. Returns false if the job is not dead (or does not exist).
 */
export async function redrive(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query(`UPDATE jobs SET state = 'queued',
      attempts = 0, run_at = now(), updated_at = now()
    WHERE id = $1 AND state = 'dead' RETURNING id`, [checkId(id)]);
  return rows.length === 1;
}
// #endregion redrive
