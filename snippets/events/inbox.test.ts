import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db/idempotency-keys.ts';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { consumeInOrder, ORDERED_INBOX_SCHEMA, OutOfOrderError } from './inbox.ts';
import type { EventMessage } from './outbox.ts';

const T0 = Date.UTC(2026, 11, 2);
const SCHEMA = `${ORDERED_INBOX_SCHEMA}
  CREATE TABLE IF NOT EXISTS effects (n serial PRIMARY KEY, consumer text, seq int);`;
const RESET = 'TRUNCATE inbox, stream_positions, effects RESTART IDENTITY';
const ev = (seq: number, id = `evt-${seq}`): EventMessage => ({ id, aggregateId: 'usr_1',
  seq, type: 'UserUpdated', version: 1, payload: {} });
const record = (consumer: string) => async (tx: Queryable, m: EventMessage) => {
  await tx.query('INSERT INTO effects (consumer, seq) VALUES ($1, $2)', [consumer, m.seq]);
};
const applied = async (on: Queryable, consumer = 'crm') => (await on.query<{ seq: number }>(
  'SELECT seq FROM effects WHERE consumer = $1 ORDER BY n', [consumer])).rows.map((r) => r.seq);

describe('consumeInOrder', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });
  const crm = record('crm');

  it('applies events in order and reports a redelivered id as a duplicate', async () => {
    expect(await consumeInOrder(db(), 'crm', ev(1), T0, crm)).toBe('processed');
    expect(await consumeInOrder(db(), 'crm', ev(2), T0, crm)).toBe('processed');
    expect(await consumeInOrder(db(), 'crm', ev(1), T0, crm)).toBe('duplicate');
    expect(await applied(db())).toEqual([1, 2]);
  });

  it('skips an event it is already past, even under a new message id', async () => {
    await consumeInOrder(db(), 'crm', ev(1), T0, crm);
    expect(await consumeInOrder(db(), 'crm', ev(1, 'evt-1-resent'), T0, crm)).toBe('stale');
    expect(await applied(db())).toEqual([1]);
  });

  it('refuses an event that skips ahead, records nothing, and takes it once the gap is filled', async () => {
    await expect(consumeInOrder(db(), 'crm', ev(2), T0, crm))
      .rejects.toThrow(new OutOfOrderError('crm: usr_1 is at 0, got 2; waiting for 1'));
    const { rows } = await db().query('SELECT * FROM inbox');
    expect(rows).toEqual([]); // not recorded: the redelivery is not a "duplicate"
    expect(await consumeInOrder(db(), 'crm', ev(1), T0, crm)).toBe('processed');
    expect(await consumeInOrder(db(), 'crm', ev(2), T0, crm)).toBe('processed');
    expect(await applied(db())).toEqual([1, 2]);
  });

  it('keeps one position per consumer', async () => {
    await consumeInOrder(db(), 'crm', ev(1), T0, crm);
    expect(await consumeInOrder(db(), 'mailer', ev(1), T0, record('mailer'))).toBe('processed');
    await expect(consumeInOrder(db(), 'mailer', ev(3), T0, record('mailer')))
      .rejects.toThrow(OutOfOrderError);
  });

  it('rolls the position back with a failed effect, so the redelivery runs it', async () => {
    await expect(consumeInOrder(db(), 'crm', ev(1), T0, async (tx, m) => {
      await crm(tx, m);
      throw new Error('smtp timeout');
    })).rejects.toThrow('smtp timeout');
    expect(await consumeInOrder(db(), 'crm', ev(1), T0, crm)).toBe('processed');
    expect(await applied(db())).toEqual([1]);
  });

  it('rejects a sequence number that is not a positive integer', async () => {
    for (const seq of [0, -1, 1.5, Number.NaN]) {
      await expect(consumeInOrder(db(), 'crm', ev(seq), T0, crm)).rejects.toThrow(TypeError);
    }
    await expect(consumeInOrder(db(), 'crm', { ...ev(1), id: '' }, T0, crm)).rejects.toThrow(TypeError);
  });
});

describe('two copies of one event at once (PostgreSQL server)', () => {
  const { db: pg } = useServerDatabase(SCHEMA, { connections: 4, reset: RESET });

  it('makes the copy under another id wait on the position row, then skip', async () => {
    await consumeInOrder(pg(), 'crm', ev(1), T0, record('crm'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => { inside = resolve; });
    const a = consumeInOrder(pg(), 'crm', ev(2), T0, async (tx, m) => {
      await record('crm')(tx, m);
      inside();
      await gate;
    });
    try {
      await entered;
      const b = consumeInOrder(pg(), 'crm', ev(2, 'evt-2-resent'), T0, record('crm'));
      expect(await waitsForLock(pg(), b)).toEqual([expect.stringMatching(/FOR UPDATE/)]);
      release();
      expect([await a, await b]).toEqual(['processed', 'stale']);
    } finally {
      release();
    }
    expect(await applied(pg())).toEqual([1, 2]);
  });
});
