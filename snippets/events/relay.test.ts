import { describe, expect, it } from 'vitest';
import type { Db } from '../db/idempotency-keys.ts';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { appendEvent, OUTBOX_SCHEMA, type EventMessage } from './outbox.ts';
import { memoryBroker, relayOnce } from './relay.ts';

const T0 = Date.UTC(2026, 11, 2);
const RESET = 'TRUNCATE event_streams, event_outbox';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let next = 0;

/** Appends events in this order, one transaction each, a second apart. */
async function append(db: Db, users: string[]) {
  for (const user of users) {
    next++;
    await db.transaction((tx) => appendEvent(tx, { aggregateId: user,
      type: 'UserUpdated', version: 1, payload: { n: next } }, uuid(next), T0 + next * 1000));
  }
}
const order = (log: EventMessage[], user: string) =>
  log.filter((m) => m.aggregateId === user).map((m) => m.seq);

describe('relayOnce on one session', () => {
  const db = useDatabase(OUTBOX_SCHEMA, { reset: RESET });

  it('publishes each aggregate in seq order, marks the rows, then finds nothing', async () => {
    await append(db(), ['usr_a', 'usr_b', 'usr_a', 'usr_a', 'usr_b']);
    const broker = memoryBroker();
    expect(await relayOnce(db(), broker.publish, T0)).toBe(5);
    expect(order(broker.log, 'usr_a')).toEqual([1, 2, 3]);
    expect(order(broker.log, 'usr_b')).toEqual([1, 2]);
    expect(broker.log[0]).toMatchObject({ type: 'UserUpdated', version: 1 });
    expect(await relayOnce(db(), broker.publish, T0)).toBe(0);
  });

  it('sends the same ids again after a broker failure mid-batch', async () => {
    await append(db(), ['usr_a', 'usr_a']);
    const broker = memoryBroker();
    let calls = 0;
    await expect(relayOnce(db(), async (m) => {
      if (++calls === 2) throw new Error('broker timeout');
      await broker.publish(m);
    }, T0)).rejects.toThrow('broker timeout');
    expect(await relayOnce(db(), broker.publish, T0)).toBe(2);
    expect(broker.log.map((m) => m.seq)).toEqual([1, 1, 2]); // a copy, never a gap
    expect(new Set(broker.log.map((m) => m.id)).size).toBe(2);
  });

  it('respects its limits and refuses nonsense ones', async () => {
    await append(db(), ['usr_a', 'usr_b', 'usr_c', 'usr_a']);
    const broker = memoryBroker();
    expect(await relayOnce(db(), broker.publish, T0, { streams: 1 })).toBe(2); // all of usr_a
    expect(await relayOnce(db(), broker.publish, T0, { events: 1 })).toBe(1);
    expect(await relayOnce(db(), broker.publish, T0)).toBe(1);
    await expect(relayOnce(db(), broker.publish, T0, { streams: 0 })).rejects.toThrow(RangeError);
    await expect(relayOnce(db(), broker.publish, T0, { events: Number.NaN }))
      .rejects.toThrow(RangeError);
  });
});

describe('several relays at once (PostgreSQL server)', () => {
  const { db: pg } = useServerDatabase(OUTBOX_SCHEMA, { connections: 8, reset: RESET });

  it('lets a second relay skip the aggregate the first holds, without waiting or jumping ahead', async () => {
    await append(pg(), ['usr_a', 'usr_a', 'usr_b', 'usr_a', 'usr_b']);
    const broker = memoryBroker();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let holding!: () => void;
    const held = new Promise<void>((resolve) => { holding = resolve; });
    const a = relayOnce(pg(), async (m) => { // claims usr_a, then stalls
      holding();
      await gate;
      await broker.publish(m);
    }, T0, { streams: 1 });
    try {
      await held;
      const b = relayOnce(pg(), broker.publish, T0);
      expect(await waitsForLock(pg(), b)).toEqual([]); // SKIP LOCKED: no wait
      expect(await b).toBe(2);
      expect(broker.log.map((m) => m.aggregateId)).toEqual(['usr_b', 'usr_b']);
      release();
      expect(await a).toBe(3);
    } finally {
      release();
    }
    expect(order(broker.log, 'usr_a')).toEqual([1, 2, 3]);
  });

  it('publishes every event exactly once, in order per aggregate, with four relays racing', async () => {
    const users = Array.from({ length: 60 }, (_, i) => `usr_${i % 12}`);
    await append(pg(), users);
    const broker = memoryBroker();
    const slowPublish = async (m: EventMessage) => {
      await new Promise((resolve) => setImmediate(resolve)); // let others in
      await broker.publish(m);
    };
    const relay = async () => {
      while (await relayOnce(pg(), slowPublish, T0, { streams: 2 }) > 0) { /* drain */ }
    };
    await Promise.all([relay(), relay(), relay(), relay()]);
    expect(broker.log).toHaveLength(60);
    expect(new Set(broker.log.map((m) => m.id)).size).toBe(60);
    for (let i = 0; i < 12; i++) expect(order(broker.log, `usr_${i}`)).toEqual([1, 2, 3, 4, 5]);
  });
});
