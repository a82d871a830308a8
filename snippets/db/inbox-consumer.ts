/**
 * An idempotent consumer: the message id is recorded in an inbox table in
 * the same transaction as the message's effect. A redelivered message
 * finds its id and is acknowledged without running again; a failed one
 * rolls back both, so its redelivery runs as if for the first time.
 * @see https://microservices.io/patterns/communication-style/idempotent-consumer.html
 */
import type { Transaction } from '@electric-sql/pglite';
import type { Db } from './idempotency-keys.ts';

export const INBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  consumer     text        NOT NULL,
  message_id   text        NOT NULL,
  processed_at timestamptz NOT NULL,
  PRIMARY KEY (consumer, message_id)
);`;

/** processed: the effect ran. duplicate: this message id ran before.
 *  already-applied: a unique constraint says the effect already exists. */
export type Outcome = 'processed' | 'duplicate' | 'already-applied';

/** PostgreSQL's SQLSTATE for unique_violation (Appendix A). */
export const UNIQUE_VIOLATION = '23505';

// #region inbox
/**
 * Runs `apply` at most once per (consumer, message id). Acknowledge the
 * message to the broker only after this resolves; if it throws, nothing
 * was recorded and the broker's redelivery will try again.
 */
export async function consumeOnce<M extends { id: string }>(db: Db,
  consumer: string, message: M, now: number,
  apply: (tx: Transaction, message: M) => Promise<void>): Promise<Outcome> {
  if (!consumer || !message.id || message.id.length > 255) {
    throw new TypeError('consumer and message.id (1-255 chars) are required');
  }
  return db.transaction(async (tx) => {
    // Concurrent copies block on this row; only one insert can win.
    const fresh = await tx.query(`
      INSERT INTO inbox (consumer, message_id, processed_at)
      VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING message_id`,
    [consumer, message.id, new Date(now)]);
    if (fresh.rows.length === 0) return 'duplicate';
    // The savepoint lets a unique violation undo just the effect, so the
    // inbox row still commits and the copy is acknowledged.
    await tx.query('SAVEPOINT effect');
    try {
      await apply(tx, message);
    } catch (err) {
      if ((err as { code?: unknown })?.code !== UNIQUE_VIOLATION) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT effect');
      return 'already-applied';
    }
    return 'processed';
  });
}
// #endregion inbox

/** Drops inbox rows older than the broker's redelivery window. */
export async function pruneInbox(db: Db, olderThan: number): Promise<number> {
  const res = await db.query('DELETE FROM inbox WHERE processed_at < $1',
    [new Date(olderThan)]);
  return res.affectedRows ?? 0;
}
