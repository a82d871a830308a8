/**
 * Saga state in PostgreSQL: one row per saga, rewritten after every step.
 * A new orchestrator (after a crash or a deploy) loads the row and carries
 * on; `unfinished()` lists the sagas a recovery loop should resume.
 */
import type { Queryable } from '../db/idempotency-keys.ts';
import { StaleSagaError, type SagaState, type SagaStore } from './saga.ts';

// #region schema
export const SAGA_SCHEMA = `
CREATE TABLE IF NOT EXISTS sagas (
  id      text PRIMARY KEY,
  status  text NOT NULL CHECK (status IN
            ('running', 'compensating', 'completed', 'compensated')),
  input   jsonb NOT NULL,
  done    text[] NOT NULL,
  undone  text[] NOT NULL,
  failure text,
  parked  text,
  version int NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sagas_unfinished ON sagas (updated_at)
  WHERE status IN ('running', 'compensating');`;
// #endregion schema

interface Row {
  id: string; status: SagaState<unknown>['status']; input: unknown;
  done: string[]; undone: string[]; failure: string | null;
  parked: string | null; version: number;
}

export class PgSagaStore<I> implements SagaStore<I> {
  readonly #db: Queryable;
  readonly #now: () => number;

  constructor(db: Queryable, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  async load(id: string): Promise<SagaState<I> | undefined> {
    const { rows } = await this.#db.query<Row>(
      `SELECT id, status, input, done, undone, failure, parked, version
         FROM sagas WHERE id = $1`, [id]);
    const row = rows[0];
    return row && { ...row, input: row.input as I };
  }

  async create(s: SagaState<I>): Promise<SagaState<I>> {
    await this.#db.query(
      `INSERT INTO sagas VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO NOTHING`,
      [s.id, s.status, JSON.stringify(s.input), s.done, s.undone,
        s.failure, s.parked, s.version, new Date(this.#now())]);
    return (await this.load(s.id))!;
  }

  // #region save
  /** Compare-and-set on the version: a second orchestrator working from a
   * stale copy gets an error instead of overwriting newer progress. */
  async save(s: SagaState<I>): Promise<void> {
    const { rows } = await this.#db.query(
      `UPDATE sagas SET status = $2, done = $3, undone = $4, failure = $5,
              parked = $6, version = $7, updated_at = $8
        WHERE id = $1 AND version = $7 - 1
       RETURNING id`,
      [s.id, s.status, s.done, s.undone, s.failure, s.parked, s.version,
        new Date(this.#now())]);
    if (rows.length === 0) {
      throw new StaleSagaError(`saga ${s.id} is not at version ${s.version - 1}`);
    }
  }
  // #endregion save

  /** Sagas still in flight and not parked, oldest first: what to resume. */
  async unfinished(limit = 100): Promise<string[]> {
    const { rows } = await this.#db.query<{ id: string }>(
      `SELECT id FROM sagas
        WHERE status IN ('running', 'compensating') AND parked IS NULL
        ORDER BY updated_at LIMIT $1`, [limit]);
    return rows.map((r) => r.id);
  }
}
