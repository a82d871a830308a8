import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { orderSteps, placeOrder, Services, type Order } from './order-saga.ts';
import { PgSagaStore, SAGA_SCHEMA } from './saga-store.ts';
import {
  MemorySagaStore, SagaOrchestrator, StepRejected, type SagaState, type SagaStep,
} from './saga.ts';

const ORDER: Order = {
  orderId: 'o-1', customerId: 'c-1', sku: 'lamp', quantity: 2, amountCents: 4_900,
};
const NAMES = ['create-order', 'reserve-stock', 'charge-card', 'approve-order', 'request-shipment'];

function services() {
  const svc = new Services();
  svc.stock.set('lamp', 5);
  return svc;
}

/** Replaces one step's action: `wrap` gets the real one. */
function patch(list: SagaStep<Order>[], name: string,
  wrap: (real: SagaStep<Order>['action']) => SagaStep<Order>['action']) {
  return list.map((s) => s.name === name ? { ...s, action: wrap(s.action) } : s);
}

describe('a failure at each step', () => {
  // Before and at the pivot: compensate exactly the steps that completed.
  it.each([0, 1, 2])('rejected at step %i undoes exactly the completed steps, in reverse', async (i) => {
    const svc = services();
    const list = patch(orderSteps(svc), NAMES[i]!, () => async () => {
      throw new StepRejected('no');
    });
    const s = await new SagaOrchestrator(list, new MemorySagaStore<Order>()).start('o-1', ORDER);
    const completed = NAMES.slice(0, i);
    expect(s).toMatchObject({ status: 'compensated', done: completed, failure: `${NAMES[i]}: no` });
    expect(s.undone).toEqual([...completed].reverse());
    expect(svc.log).toEqual([...completed, ...[...completed].reverse().map((n) => `undo ${n}`)]);
    expect(svc.stock.get('lamp')).toBe(5);
    expect(svc.charges.size).toBe(0);
    expect(svc.orders.get('o-1')).toBe(i === 0 ? undefined : 'REJECTED');
  });

  // After the pivot: nothing is undone; the saga waits for a retry or a human.
  it.each([3, 4])('rejected at step %i (after the pivot) parks without compensating', async (i) => {
    const svc = services();
    const list = patch(orderSteps(svc), NAMES[i]!, () => async () => {
      throw new StepRejected('no');
    });
    const s = await new SagaOrchestrator(list, new MemorySagaStore<Order>()).start('o-1', ORDER);
    expect(s).toMatchObject({ status: 'running', done: NAMES.slice(0, i), undone: [] });
    expect(s.parked).toBe(`${NAMES[i]}: no`);
    expect(svc.charges.size).toBe(1);
    expect(svc.log.some((l) => l.startsWith('undo'))).toBe(false);
  });

  it('says no for the real reasons: out of stock, card declined', async () => {
    const svc = services();
    svc.declineCustomers.add('c-2');
    const saga = new SagaOrchestrator(orderSteps(svc), new MemorySagaStore<Order>());
    const big = await placeOrder(saga, { ...ORDER, orderId: 'o-big', quantity: 6 });
    expect(big).toMatchObject({ status: 'compensated', failure: 'reserve-stock: out of stock: lamp' });
    const declined = await placeOrder(saga, { ...ORDER, orderId: 'o-2', customerId: 'c-2' });
    expect(declined).toMatchObject({ status: 'compensated', undone: ['reserve-stock', 'create-order'] });
    expect(svc.stock.get('lamp')).toBe(5);
    expect(svc.orders.get('o-2')).toBe('REJECTED');
  });
});

describe('crash and resume from PostgreSQL', () => {
  const db = useDatabase(SAGA_SCHEMA, { reset: 'TRUNCATE sagas' });

  async function finished(steps: SagaStep<Order>[]) {
    return new SagaOrchestrator(steps, new PgSagaStore<Order>(db())).start('o-1', ORDER);
  }
  const summary = (s: SagaState<Order>) =>
    ({ status: s.status, done: s.done, undone: s.undone, failure: s.failure });

  it.each(NAMES)('a crash after %s took effect, before it was saved, runs it once', async (name) => {
    const svc = services();
    let crash = true;
    const crashing = patch(orderSteps(svc), name, (real) => async (o, key) => {
      await real(o, key);
      if (crash) { crash = false; throw new Error('process died'); }
    });
    await expect(finished(crashing)).rejects.toThrow('process died');
    const stored = await new PgSagaStore<Order>(db()).load('o-1');
    expect(stored!.done).toEqual(NAMES.slice(0, NAMES.indexOf(name)));
    expect(await new PgSagaStore<Order>(db()).unfinished()).toEqual(['o-1']);

    // A new process: a new store object and orchestrator on the same table.
    const s = await new SagaOrchestrator(orderSteps(svc), new PgSagaStore<Order>(db())).resume('o-1');
    expect(summary(s)).toEqual({ status: 'completed', done: NAMES, undone: [], failure: null });
    expect(svc.log).toEqual(NAMES); // each effect once
    expect(svc.charges.size).toBe(1);
    expect(svc.stock.get('lamp')).toBe(3);
    expect(await new PgSagaStore<Order>(db()).unfinished()).toEqual([]);
  });

  it.each(NAMES.map((_, i) => i + 1))('a crash right after save %i resumes to the same end', async (n) => {
    const svc = services();
    const store = new PgSagaStore<Order>(db());
    let saves = 0;
    const real = store.save.bind(store);
    store.save = async (s) => {
      await real(s);
      if (++saves === n) throw new Error('process died');
    };
    await expect(new SagaOrchestrator(orderSteps(svc), store).start('o-1', ORDER))
      .rejects.toThrow('process died');
    const s = await new SagaOrchestrator(orderSteps(svc), new PgSagaStore<Order>(db())).resume('o-1');
    expect(s.status).toBe('completed');
    expect(svc.log).toEqual(NAMES);
  });

  it('refuses an order id reused for a different order, and resumes the same one', async () => {
    const svc = services();
    const saga = new SagaOrchestrator(orderSteps(svc), new PgSagaStore<Order>(db()));
    await placeOrder(saga, ORDER);
    await expect(placeOrder(saga, { ...ORDER, amountCents: 1 }))
      .rejects.toThrow('saga o-1 was started with a different input');
    // The same order again (keys in another order: jsonb reorders them too).
    const { amountCents, ...rest } = ORDER;
    expect((await placeOrder(saga, { amountCents, ...rest })).status).toBe('completed');
    expect(svc.log).toEqual(NAMES);
    expect(svc.charges.size).toBe(1);
  });

  it('a crash in the middle of compensating gives stock back once', async () => {
    const svc = services();
    svc.declineCustomers.add('c-1');
    let crash = true;
    const list = orderSteps(svc).map((s) => s.name !== 'create-order' ? s : {
      ...s, compensate: async (o: Order, key: string) => {
        if (crash) { crash = false; throw new Error('process died'); }
        return s.compensate!(o, key);
      },
    });
    // One try per compensation here, so the crash parks instead of retrying.
    const first = await new SagaOrchestrator(list, new PgSagaStore<Order>(db()),
      { compensationAttempts: 1 }).start('o-1', ORDER);
    expect(first).toMatchObject({ status: 'compensating', undone: ['reserve-stock'] });
    expect(svc.stock.get('lamp')).toBe(5);
    const s = await new SagaOrchestrator(orderSteps(svc), new PgSagaStore<Order>(db()))
      .resume('o-1', { retryParked: true });
    expect(s).toMatchObject({ status: 'compensated', undone: ['reserve-stock', 'create-order'] });
    expect(svc.stock.get('lamp')).toBe(5);
    expect(svc.log.filter((l) => l === 'undo reserve-stock')).toHaveLength(1);
  });
});

describe('placeOrder', () => {
  it('rejects bad input before any step runs', async () => {
    const svc = services();
    const saga = new SagaOrchestrator(orderSteps(svc), new MemorySagaStore<Order>());
    for (const bad of [
      { ...ORDER, quantity: 0 }, { ...ORDER, amountCents: 1.5 }, { ...ORDER, orderId: '../x' },
      { ...ORDER, extra: true }, null, 'order',
    ]) {
      await expect(placeOrder(saga, bad)).rejects.toThrow();
    }
    expect(svc.log).toEqual([]);
  });
});
