/**
 * An idempotent consumer: the message id is recorded in an inbox table in
 * the same transaction as the message's effect. A redelivered message
 * finds its id and is acknowledged without running again; a failed one
 * rolls back both, so its redelivery runs as if for the first time.
 * @see https://microservices.io/patterns/communication-style/idempotent-consumer.html
 */
import type { Db, Queryable } from './idempotency-keys.ts';

export const INBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  consumer     text        NOT NULL,
  message_id   text        NOT NULL,
  processed_at timestamptz NOT NULL,
  PRIMARY KEY (consumer, message_id)
);`;

/** processed: the effect ran. duplicate: this message id ran before.
 *  already-applied: the effect's own unique constraint says it exists. */
export type Outcome = 'processed' | 'duplicate' | 'already-applied';

/** PostgreSQL's SQLSTATE for unique_violation (Appendix A). */
export const UNIQUE_VIOLATION = '23505';

// #region inbox
/** True if `err` is a unique violation of the constraint named `name`. */
export function violates(err: unknown, name: string | undefined): boolean {
  const { code, constraint } = (err ?? {}) as
    { code?: unknown; constraint?: unknown };
  return name !== undefined && code === UNIQUE_VIOLATION
    && constraint === name;
}

/**
 * Runs `apply` at most once per (consumer, message id). Acknowledge the
 * message to the broker only after this resolves; if it throws, nothing
 * was recorded and the broker's redelivery will try again.
 * `appliedConstraint` names the unique constraint that guards the effect
 * itself (one shipment per order): its violation means "done before".
 */
export async function consumeOnce<M extends { id: string }>(db: Db,
  consumer: string, message: M, now: number,
  apply: (tx: Queryable, message: M) => Promise<void>,
  appliedConstraint?: string): Promise<Outcome> {
  if (!consumer || !message.id || message.id.length > 255) {
    throw new TypeError('consumer and message.id (1-255 chars) are required');
  }
  return db.transaction(async (tx) => {
    // Concurrent copies block on this row; only one insert can win.
    const fresh = await tx.query(`
      INSERT INTO inbox (consumer, message_id, processed_at)
      VALUES ($1, $2, $3)
      ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`,
    [consumer, message.id, new Date(now)]);
    if (fresh.rows.length === 0) return 'duplicate';
    // The savepoint lets a unique violation undo just the effect, so the
    // inbox row still commits and the copy is acknowledged.
    await tx.query('SAVEPOINT effect');
    try {
      await apply(tx, message);
    } catch (err) {
      // Any other violation is a bug to surface, not a copy to acknowledge.
      if (!violates(err, appliedConstraint)) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT effect');
      return 'already-applied';
    }
    return 'processed';
  });
}
// #endregion inbox

/** Drops inbox rows older than the broker's redelivery window. */
export async function pruneInbox(db: Queryable, olderThan: number)
  : Promise<number> {
  const res = await db.query('DELETE FROM inbox WHERE processed_at < $1',
    [new Date(olderThan)]);
  return res.affectedRows ?? 0;
}
