/**
 * The outbox relay: publishes unpublished outbox rows, then marks them, in
 * one transaction. Several relays can run at once: each claims whole
 * aggregates with FOR UPDATE SKIP LOCKED, so no two relays publish events
 * of one aggregate, and each aggregate's events leave in `seq` order.
 * A crash after publishing and before commit sends them again: delivery
 * is at-least-once, so consumers deduplicate (inbox.ts).
 * @see https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
import type { Db } from '../db/idempotency-keys.ts';
import type { EventMessage } from './outbox.ts';

export type Publish = (message: EventMessage) => Promise<void>;

interface Row {
  id: string; aggregate_id: string; seq: number; type: string;
  version: number; payload: unknown;
}

// #region relay
/** One round: returns how many events it published. */
export async function relayOnce(db: Db, publish: Publish, now: number,
  { streams = 50, events = 500 } = {}): Promise<number> {
  if (!(streams >= 1 && events >= 1)) throw new RangeError('limits >= 1');
  return db.transaction(async (tx) => {
    // Claim the oldest unpublished event of each aggregate that no other
    // relay holds. A later event whose predecessor is still unpublished
    // is never a head, so another relay cannot jump ahead of this one.
    const heads = await tx.query<{ aggregate_id: string }>(`
      SELECT o.aggregate_id FROM event_outbox o
      WHERE o.published_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM event_outbox p WHERE p.aggregate_id = o.aggregate_id
          AND p.seq < o.seq AND p.published_at IS NULL)
      ORDER BY o.created_at, o.aggregate_id LIMIT $1
      FOR UPDATE SKIP LOCKED`, [streams]);
    const claimed = heads.rows.map((r) => r.aggregate_id);
    if (claimed.length === 0) return 0;
    // The rest of each claimed aggregate is ours too: its head is locked.
    const { rows } = await tx.query<Row>(`
      SELECT id, aggregate_id, seq, type, version, payload
      FROM event_outbox WHERE aggregate_id = ANY($1)
        AND published_at IS NULL
      ORDER BY aggregate_id, seq LIMIT $2`, [claimed, events]);
    for (const r of rows) {
      await publish({ id: r.id, aggregateId: r.aggregate_id, seq: r.seq,
        type: r.type, version: r.version, payload: r.payload });
    }
    // A crash before this commit republishes the batch: same ids.
    await tx.query(`UPDATE event_outbox SET published_at = $2
      WHERE id = ANY($1)`, [rows.map((r) => r.id), new Date(now)]);
    return rows.length;
  });
}
// #endregion relay

/**
 * A broker that keeps each message until it is acknowledged, as SQS or a
 * Kafka consumer group's committed offset does: a consumer that restarts
 * gets every unacknowledged message again.
 */
export function memoryBroker() {
  const log: EventMessage[] = [];
  const acked = new Set<number>();
  return {
    log,
    async publish(message: EventMessage) { log.push(structuredClone(message)); },
    /** What a (re)started consumer receives, in publish order. */
    pending() {
      return log.flatMap((message, offset) =>
        acked.has(offset) ? [] : [{ offset, message }]);
    },
    ack(offset: number) { acked.add(offset); },
  };
}
export type MemoryBroker = ReturnType<typeof memoryBroker>;
