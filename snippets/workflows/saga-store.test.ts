import { describe, expect, it } from 'vitest';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { orderSteps, Services, type Order } from './order-saga.ts';
import { PgSagaStore, SAGA_SCHEMA } from './saga-store.ts';
import { SagaOrchestrator, StaleSagaError, type SagaState } from './saga.ts';

const db = useDatabase(SAGA_SCHEMA, { reset: 'TRUNCATE sagas' });
const T0 = Date.UTC(2026, 11, 2);
const fresh = (id: string): SagaState<{ sku: string }> => ({
  id, status: 'running', input: { sku: 'lamp' }, done: [], undone: [],
  failure: null, parked: null, version: 1,
});

describe('PgSagaStore', () => {
  it('round-trips a saga and keeps the first one on a repeated create', async () => {
    const store = new PgSagaStore<{ sku: string }>(db(), () => T0);
    expect(await store.load('a')).toBeUndefined();
    expect(await store.create(fresh('a'))).toEqual(fresh('a'));
    await store.save({ ...fresh('a'), done: ['x'], version: 2 });
    expect(await store.create({ ...fresh('a'), input: { sku: 'other' } }))
      .toEqual({ ...fresh('a'), done: ['x'], version: 2 });
  });

  it('refuses a save from a stale copy and keeps the newer progress', async () => {
    const one = new PgSagaStore(db(), () => T0);
    const two = new PgSagaStore(db(), () => T0);
    await one.create(fresh('b'));
    const copy = (await two.load('b'))!;
    await one.save({ ...fresh('b'), done: ['x'], version: 2 });
    await expect(two.save({ ...copy, done: ['y'], version: copy.version + 1 }))
      .rejects.toThrow(StaleSagaError);
    expect((await one.load('b'))!.done).toEqual(['x']);
    await expect(one.save({ ...fresh('missing'), version: 2 })).rejects.toThrow(StaleSagaError);
  });

  it('lists unfinished, unparked sagas oldest first', async () => {
    let now = T0;
    const store = new PgSagaStore(db(), () => now);
    for (const id of ['new', 'old', 'done', 'parked']) await store.create(fresh(id));
    now += 1_000;
    await store.save({ ...fresh('new'), version: 2 });
    await store.save({ ...fresh('done'), status: 'completed', version: 2 });
    await store.save({ ...fresh('parked'), parked: 'undo x failed', version: 2 });
    expect(await store.unfinished()).toEqual(['old', 'new']);
    expect(await store.unfinished(1)).toEqual(['old']);
  });

  it('rejects an unknown status in the table itself', async () => {
    await expect(db().query(
      `INSERT INTO sagas VALUES ('z', 'paused', '{}', '{}', '{}', null, null, 1, now())`))
      .rejects.toThrow(/check constraint/);
  });
});

// PGlite runs one session, so the tests above only show a stale copy being
// refused one save after another. These show it with two sessions at once.
describe('PgSagaStore on a real PostgreSQL server', () => {
  const { db: pg } = useServerDatabase(SAGA_SCHEMA, { reset: 'TRUNCATE sagas' });

  it('makes a concurrent save from the same version wait, then refuses it', async () => {
    await new PgSagaStore(pg(), () => T0).create(fresh('c'));
    let saved!: () => void;
    let release!: () => void;
    const firstSaved = new Promise<void>((r) => { saved = r; });
    const gate = new Promise<void>((r) => { release = r; });
    const first = pg().transaction(async (tx) => {
      await new PgSagaStore(tx, () => T0).save({ ...fresh('c'), done: ['x'], version: 2 });
      saved();
      await gate; // hold the row lock, uncommitted
    });
    await firstSaved;
    const second = new PgSagaStore(pg(), () => T0)
      .save({ ...fresh('c'), done: ['y'], version: 2 });
    const waited = await waitsForLock(pg(), second);
    expect(waited.join('\n')).toMatch(/UPDATE sagas/);
    release();
    await first;
    // Rechecked against the committed row, version = 1 no longer holds.
    await expect(second).rejects.toThrow(StaleSagaError);
    expect(await new PgSagaStore(pg()).load('c')).toMatchObject({ done: ['x'], version: 2 });
  });

  it('lets two orchestrators resume one saga at once without a doubled effect', async () => {
    const order: Order = {
      orderId: 'o-9', customerId: 'c-1', sku: 'lamp', quantity: 2, amountCents: 4_900,
    };
    const svc = new Services();
    svc.stock.set('lamp', 5);
    await new PgSagaStore<Order>(pg()).create({
      id: 'o-9', status: 'running', input: order, done: [], undone: [],
      failure: null, parked: null, version: 1,
    });
    // Both load version 1 and both reach the first step before either goes
    // on: the interleaving a recovery loop racing a live orchestrator gives.
    let arrived = 0;
    let go!: () => void;
    const bothThere = new Promise<void>((r) => { go = r; });
    const steps = orderSteps(svc).map((s) => s.name !== 'create-order' ? s : {
      ...s, action: async (o: Order, key: string) => {
        if (++arrived === 2) go();
        await bothThere;
        return s.action(o, key);
      },
    });
    const both = await Promise.allSettled([1, 2].map(() =>
      new SagaOrchestrator(steps, new PgSagaStore<Order>(pg())).resume('o-9')));
    expect(arrived).toBe(2);
    // One wins; the other's first save finds version 2 and stops.
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = both.find((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(StaleSagaError);
    expect(await new PgSagaStore<Order>(pg()).load('o-9'))
      .toMatchObject({ status: 'completed', undone: [] });
    expect(svc.log).toEqual(['create-order', 'reserve-stock', 'charge-card',
      'approve-order', 'request-shipment']);
    expect(svc.charges.size).toBe(1);
    expect(svc.stock.get('lamp')).toBe(3);
  });
});
