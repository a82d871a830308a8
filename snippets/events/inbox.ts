/**
 * An idempotent consumer that also keeps each aggregate's order: the inbox
 * (../db/inbox-consumer.ts) drops a message id it has seen, and a position
 * per (consumer, aggregate) drops an event it is past and refuses one that
 * skips ahead. Both commit in the effect's transaction, so a crash at any
 * point leaves either all three or none.
 */
import type { Db, Queryable } from '../db/idempotency-keys.ts';
import { consumeOnce, INBOX_SCHEMA, type Outcome } from '../db/inbox-consumer.ts';
import type { EventMessage } from './outbox.ts';

export const ORDERED_INBOX_SCHEMA = `${INBOX_SCHEMA}
CREATE TABLE IF NOT EXISTS stream_positions (
  consumer     text NOT NULL,
  aggregate_id text NOT NULL,
  last_seq     int  NOT NULL,
  PRIMARY KEY (consumer, aggregate_id)
);`;

/** An event arrived before its predecessor: don't ack; it comes back. */
export class OutOfOrderError extends Error {
  override name = 'OutOfOrderError';
}

// #region consume
/** stale: an earlier copy of this event, under another id, already ran. */
export type OrderedOutcome = Outcome | 'stale';

export async function consumeInOrder(db: Db, consumer: string,
  m: EventMessage, now: number,
  apply: (tx: Queryable, m: EventMessage) => Promise<void>)
  : Promise<OrderedOutcome> {
  if (!Number.isInteger(m.seq) || m.seq < 1) {
    throw new TypeError('seq must be an integer >= 1');
  }
  let stale = false;
  const outcome = await consumeOnce(db, consumer, m, now, async (tx) => {
    // Create the position row, then lock it: two workers holding events
    // of one aggregate take turns here, whatever their message ids.
    await tx.query(`INSERT INTO stream_positions VALUES ($1, $2, 0)
      ON CONFLICT DO NOTHING`, [consumer, m.aggregateId]);
    const { rows } = await tx.query<{ last_seq: number }>(`
      SELECT last_seq FROM stream_positions
      WHERE consumer = $1 AND aggregate_id = $2 FOR UPDATE`,
    [consumer, m.aggregateId]);
    const last = rows[0]!.last_seq;
    if (m.seq <= last) { stale = true; return; }
    if (m.seq > last + 1) {
      throw new OutOfOrderError(`${consumer}: ${m.aggregateId} is at `
        + `${last}, got ${m.seq}; waiting for ${last + 1}`);
    }
    await apply(tx, m);
    await tx.query(`UPDATE stream_positions SET last_seq = $3
      WHERE consumer = $1 AND aggregate_id = $2`,
    [consumer, m.aggregateId, m.seq]);
  });
  return stale ? 'stale' : outcome;
}
// #endregion consume

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { OUTBOX_SCHEMA, appendEvent } = await import('./outbox.ts');
  const { memoryBroker, relayOnce } = await import('./relay.ts');
  const db = await openDatabase();
  await db.exec(`${OUTBOX_SCHEMA}${ORDERED_INBOX_SCHEMA}
    CREATE TABLE users (id text PRIMARY KEY);
    CREATE TABLE emails_sent (user_id text NOT NULL);`);
  const now = Date.UTC(2026, 11, 2);
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const count = async (sql: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n ${sql}`)).rows[0]!.n;
  class Crash extends Error {}

  // #region crash-demo
  // 1. The change and its event commit together.
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO users VALUES ('usr_1')");
    await appendEvent(tx, { aggregateId: 'usr_1', type: 'UserRegistered',
      version: 1, payload: { userId: 'usr_1' } }, newId(), now);
  });
  // 2. The relay publishes, then dies before its commit.
  const broker = memoryBroker();
  await relayOnce(db, async (m) => {
    await broker.publish(m);
    throw new Crash('relay killed after publish');
  }, now).catch((e: Error) => console.log(`crash: ${e.message}`));
  await relayOnce(db, broker.publish, now); // restarted: publishes again
  console.log(`broker holds ${broker.log.length} copies of one event`);
  // 3. The consumer commits its effect, then dies before the ack.
  const welcome = async (tx: Queryable, m: EventMessage) => {
    await tx.query('INSERT INTO emails_sent VALUES ($1)', [m.aggregateId]);
  };
  const first = broker.pending()[0]!;
  console.log(`consume: ${await consumeInOrder(db, 'mailer',
    first.message, now, welcome)}, then crash before ack`);
  for (const { offset, message } of broker.pending()) { // restarted
    const outcome = await consumeInOrder(db, 'mailer', message, now, welcome);
    broker.ack(offset);
    console.log(`redelivery #${offset}: ${outcome}`);
  }
  console.log(`users: ${await count('FROM users')}, welcome emails: ${
    await count('FROM emails_sent')}`);
  // #endregion crash-demo
  await db.close();
}
