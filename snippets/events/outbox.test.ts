import { describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/idempotency-keys.ts';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { consumeInOrder, ORDERED_INBOX_SCHEMA } from './inbox.ts';
import {
  appendEvent, checkEvent, MAX_PAYLOAD_BYTES, OUTBOX_SCHEMA, type EventMessage,
} from './outbox.ts';
import { memoryBroker, relayOnce, type MemoryBroker } from './relay.ts';

const T0 = Date.UTC(2026, 11, 2);
const SCHEMA = `${OUTBOX_SCHEMA}${ORDERED_INBOX_SCHEMA}
  CREATE TABLE IF NOT EXISTS users (id text PRIMARY KEY, status text NOT NULL);
  -- deliberately no unique constraint: a duplicate effect must show up here
  CREATE TABLE IF NOT EXISTS effects (
    n serial PRIMARY KEY, user_id text NOT NULL, type text NOT NULL);`;
const RESET = `TRUNCATE event_streams, event_outbox, inbox, stream_positions,
  users, effects RESTART IDENTITY`;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const registered = { aggregateId: 'usr_1', type: 'UserRegistered', version: 1,
  payload: { userId: 'usr_1' } };

describe('appendEvent on one session', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  it('numbers events 1, 2, 3 per aggregate, independently', async () => {
    const seqs: [string, number][] = [];
    for (const user of ['usr_1', 'usr_2', 'usr_1', 'usr_1', 'usr_2']) {
      const e = await db().transaction((tx) => appendEvent(tx,
        { ...registered, aggregateId: user }, uuid(seqs.length + 1), T0));
      seqs.push([user, e.seq]);
    }
    expect(seqs).toEqual([['usr_1', 1], ['usr_2', 1], ['usr_1', 2],
      ['usr_1', 3], ['usr_2', 2]]);
  });

  it('writes nothing, not even a number, when the change rolls back', async () => {
    await expect(db().transaction(async (tx) => {
      await tx.query("INSERT INTO users VALUES ('usr_1', 'registered')");
      await appendEvent(tx, registered, uuid(1), T0);
      throw new Error('validation failed after the insert');
    })).rejects.toThrow('validation failed');
    const { rows } = await db().query('SELECT * FROM event_outbox');
    expect(rows).toEqual([]);
    const e = await db().transaction((tx) => appendEvent(tx, registered, uuid(2), T0));
    expect(e.seq).toBe(1); // no gap left by the rolled-back one
  });

  it('refuses bad events with a clear error before touching the database', () => {
    expect(() => checkEvent({ ...registered, aggregateId: '' })).toThrow(/aggregateId/);
    expect(() => checkEvent({ ...registered, aggregateId: 'x'.repeat(256) })).toThrow(/aggregateId/);
    expect(() => checkEvent({ ...registered, type: 'user.registered' })).toThrow(/PascalCase/);
    expect(() => checkEvent({ ...registered, type: "X'; DROP TABLE users;--" })).toThrow(/PascalCase/);
    expect(() => checkEvent({ ...registered, version: 0 })).toThrow(/version/);
    expect(() => checkEvent({ ...registered, version: 1.5 })).toThrow(/version/);
    expect(() => checkEvent({ ...registered, payload: undefined })).toThrow(/JSON/);
    // jsonb has no NUL: refuse it here, not with a driver error mid-change
    expect(() => checkEvent({ ...registered, payload: { name: 'a\u0000b' } })).toThrow(/NUL/);
    expect(() => checkEvent({ ...registered, payload: { ['k\u0000']: 1 } })).toThrow(/NUL/);
    expect(checkEvent({ ...registered, payload: { name: 'a\\u0000b' } })).toContain('\\\\u0000');
    expect(() => checkEvent({ ...registered, payload: 'x'.repeat(MAX_PAYLOAD_BYTES) }))
      .toThrow(RangeError);
    expect(checkEvent({ ...registered, payload: 'x'.repeat(MAX_PAYLOAD_BYTES - 2) }))
      .toHaveLength(MAX_PAYLOAD_BYTES);
  });
});

/** The process dies at operation `crashAt`: before or after any statement,
 *  commit, publish or ack. Nothing after that point runs. */
class Crash extends Error {}
function crashingAt(db: Db, crashAt: number) {
  const trace: string[] = [];
  const tick = (label: string) => {
    trace.push(label);
    if (trace.length === crashAt) throw new Crash(label);
  };
  const on = (q: Queryable, where: string): Queryable => ({
    query<R>(sql: string, params?: unknown[]) {
      tick(`${where} ${sql.trim().split(/\s+/).slice(0, 3).join(' ')}`);
      return q.query<R>(sql, params);
    },
  });
  const faulty: Db = {
    ...on(db, 'db'),
    async transaction(work) {
      const result = await db.transaction(async (tx) => {
        const value = await work(on(tx, 'tx'));
        tick('before commit');
        return value;
      });
      tick('after commit');
      return result;
    },
  };
  return { db: faulty, tick, trace };
}

/** One life of every process: client commands (retried by the client
 *  until answered), the relay until the outbox is empty, the consumer
 *  until the broker has nothing unacknowledged. */
async function lifetime(f: ReturnType<typeof crashingAt>, broker: MemoryBroker) {
  await f.db.transaction(async (tx) => { // "register", idempotent by user id
    const { rows } = await tx.query(`INSERT INTO users VALUES ('usr_1', 'registered')
      ON CONFLICT DO NOTHING RETURNING id`);
    if (rows.length > 0) await appendEvent(tx, registered, uuid(1), T0);
  });
  await f.db.transaction(async (tx) => { // "verify", idempotent by state
    const { rows } = await tx.query(`UPDATE users SET status = 'verified'
      WHERE id = 'usr_1' AND status = 'registered' RETURNING id`);
    if (rows.length > 0) {
      await appendEvent(tx, { ...registered, type: 'UserEmailVerified' }, uuid(2), T0);
    }
  });
  const publish = async (m: EventMessage) => {
    f.tick('before publish');
    await broker.publish(m);
    f.tick('after publish');
  };
  while (await relayOnce(f.db, publish, T0) > 0) { /* until empty */ }
  const effect = async (tx: Queryable, m: EventMessage) => {
    await tx.query('INSERT INTO effects (user_id, type) VALUES ($1, $2)', [m.aggregateId, m.type]);
  };
  for (const { offset, message } of broker.pending()) {
    await consumeInOrder(f.db, 'mailer', message, T0, effect);
    f.tick('before ack');
    broker.ack(offset);
    f.tick('after ack');
  }
}

describe('a crash between any two steps, then a restart', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  it('loses no event and applies no effect twice, whichever step it hits', async () => {
    const clean = crashingAt(db(), Infinity);
    await lifetime(clean, memoryBroker());
    const steps = clean.trace;
    // The run passes through every step the pattern is about.
    for (const step of ['tx INSERT INTO users', 'tx INSERT INTO event_outbox',
      'before publish', 'after publish', 'tx UPDATE event_outbox', 'tx INSERT INTO inbox',
      'tx INSERT INTO effects', 'before commit', 'after commit', 'before ack', 'after ack']) {
      expect(steps.some((s) => s.startsWith(step)), step).toBe(true);
    }
    expect(steps.length).toBeGreaterThan(30);

    for (let crashAt = 1; crashAt <= steps.length; crashAt++) {
      await db().exec(RESET);
      const broker = memoryBroker();
      const dying = crashingAt(db(), crashAt);
      await expect(lifetime(dying, broker), `crash at ${crashAt}`).rejects.toThrow(Crash);
      await lifetime(crashingAt(db(), Infinity), broker); // the restart

      const at = `crash at ${crashAt}: ${steps[crashAt - 1]}`;
      const { rows: effects } = await db().query('SELECT user_id, type FROM effects ORDER BY n');
      expect(effects, at).toEqual([{ user_id: 'usr_1', type: 'UserRegistered' },
        { user_id: 'usr_1', type: 'UserEmailVerified' }]);
      const { rows: unsent } = await db().query(
        'SELECT id FROM event_outbox WHERE published_at IS NULL');
      expect(unsent, at).toEqual([]);
      expect(broker.pending(), at).toEqual([]);
      expect(new Set(broker.log.map((m) => m.id)), at).toEqual(new Set([uuid(1), uuid(2)]));
    }
  }, 60_000);
});

describe('appendEvent with two writers at once (PostgreSQL server)', () => {
  const { db: pg } = useServerDatabase(SCHEMA, { connections: 4, reset: RESET });

  it('makes the second writer of an aggregate wait, then take the next number', async () => {
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => { commit = resolve; });
    let appended!: () => void;
    const inside = new Promise<void>((resolve) => { appended = resolve; });
    const a = pg().transaction(async (tx) => {
      const e = await appendEvent(tx, registered, uuid(1), T0);
      appended();
      await gate;
      return e.seq;
    });
    try {
      await inside;
      const b = pg().transaction((tx) => appendEvent(tx, registered, uuid(2), T0));
      expect(await waitsForLock(pg(), b)).toEqual([expect.stringMatching(/INSERT INTO event_streams/)]);
      commit();
      expect([await a, (await b).seq]).toEqual([1, 2]);
    } finally {
      commit();
    }
  });
});
