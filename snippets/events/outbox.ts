/**
 * The transactional outbox, with an order per aggregate: an event is a row
 * written in the same transaction as the change it describes, numbered
 * 1, 2, 3… per aggregate (one user, one order). The counter row is locked
 * until commit, so two writers to one aggregate take turns and the numbers
 * follow commit order. relay.ts publishes the rows; inbox.ts consumes them.
 * @see https://microservices.io/patterns/data/transactional-outbox.html
 */
import type { Queryable } from '../db/idempotency-keys.ts';

// #region schema
export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS event_streams (
  aggregate_id text PRIMARY KEY,
  last_seq     int  NOT NULL
);
CREATE TABLE IF NOT EXISTS event_outbox (
  id           uuid        PRIMARY KEY,   -- fixed now, kept by every copy
  aggregate_id text        NOT NULL,
  seq          int         NOT NULL CHECK (seq > 0),
  type         text        NOT NULL,
  version      int         NOT NULL CHECK (version > 0),
  payload      jsonb       NOT NULL,
  created_at   timestamptz NOT NULL,
  published_at timestamptz,
  UNIQUE (aggregate_id, seq)
);
CREATE INDEX IF NOT EXISTS event_outbox_unpublished
  ON event_outbox (aggregate_id, seq) WHERE published_at IS NULL;`;
// #endregion schema

/** What a relay publishes and a consumer receives. */
export interface EventMessage {
  id: string;
  aggregateId: string;
  seq: number;
  type: string;
  version: number;
  payload: unknown;
}
export type NewEvent = Omit<EventMessage, 'id' | 'seq'>;

export const MAX_PAYLOAD_BYTES = 64 * 1024;
const TYPE = /^[A-Z][A-Za-z0-9]{1,63}$/;

/** Refuses what must never reach a broker: a clear error per field. */
export function checkEvent(e: NewEvent): string {
  if (typeof e.aggregateId !== 'string' || e.aggregateId.length < 1
    || e.aggregateId.length > 255) {
    throw new TypeError('aggregateId must be 1-255 characters');
  }
  if (typeof e.type !== 'string' || !TYPE.test(e.type)) {
    throw new TypeError('type must be PascalCase, 2-64 characters');
  }
  if (!Number.isInteger(e.version) || e.version < 1 || e.version > 1000) {
    throw new TypeError('version must be an integer 1-1000');
  }
  // PostgreSQL's jsonb cannot store U+0000 (in a value or a key).
  const json = JSON.stringify(e.payload, (key, value: unknown) => {
    if (key.includes('\0')
      || (typeof value === 'string' && value.includes('\0'))) {
      throw new TypeError('payload must not contain NUL (U+0000)');
    }
    return value;
  });
  if (json === undefined) throw new TypeError('payload must be JSON');
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`payload over ${MAX_PAYLOAD_BYTES} bytes`);
  }
  return json;
}

// #region append
/**
 * Call with the transaction that makes the change: the event commits if
 * and only if the change does. The upsert locks this aggregate's counter
 * row until commit, so a second writer waits and gets the next number.
 */
export async function appendEvent(tx: Queryable, event: NewEvent,
  id: string, now: number): Promise<EventMessage> {
  const payload = checkEvent(event);
  const { rows } = await tx.query<{ seq: number }>(`
    INSERT INTO event_streams AS s (aggregate_id, last_seq) VALUES ($1, 1)
    ON CONFLICT (aggregate_id) DO UPDATE SET last_seq = s.last_seq + 1
    RETURNING last_seq AS seq`, [event.aggregateId]);
  const seq = rows[0]!.seq;
  await tx.query(`INSERT INTO event_outbox (id, aggregate_id, seq, type,
      version, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  [id, event.aggregateId, seq, event.type, event.version, payload,
    new Date(now)]);
  return { ...event, id, seq };
}
// #endregion append
