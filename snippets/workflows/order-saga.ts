/**
 * The order saga: create a pending order, reserve stock, charge the card
 * (the pivot), approve the order, request shipment. The participants here
 * are in-memory stand-ins for three services; each deduplicates on the key
 * the orchestrator sends, as a real service would with an idempotency key.
 */
import { z } from 'zod';
import { openDatabase } from '../db/database.ts';
import { PgSagaStore, SAGA_SCHEMA } from './saga-store.ts';
import { SagaOrchestrator, StepRejected, type SagaStep } from './saga.ts';

export const OrderInput = z.strictObject({
  orderId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  customerId: z.string().min(1).max(64),
  sku: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(1_000),
  amountCents: z.number().int().min(1).max(10_000_000),
});
export type Order = z.infer<typeof OrderInput>;

/** What each service did, so tests can count effects. */
export class Services {
  orders = new Map<string, 'PENDING' | 'APPROVED' | 'REJECTED'>();
  stock = new Map<string, number>();
  reservations = new Map<string, { sku: string; quantity: number; released: boolean }>();
  charges = new Map<string, number>();
  shipments = new Set<string>();
  declineCustomers = new Set<string>();
  log: string[] = [];
  seen = new Set<string>();

  /** Runs `effect` once per key; a repeat with the same key does nothing. */
  once(key: string, what: string, effect: () => void): void {
    if (this.seen.has(key)) return;
    effect();
    this.seen.add(key);
    this.log.push(what);
  }
}

// #region order-steps
export function orderSteps(svc: Services): SagaStep<Order>[] {
  return [{
    name: 'create-order', kind: 'compensatable',
    // PENDING is a semantic lock: other code treats the order as unsettled.
    action: async (o, key) => svc.once(key, 'create-order', () =>
      svc.orders.set(o.orderId, 'PENDING')),
    compensate: async (o, key) => svc.once(key, 'undo create-order', () =>
      svc.orders.set(o.orderId, 'REJECTED')),
  }, {
    name: 'reserve-stock', kind: 'compensatable',
    action: async (o, key) => svc.once(key, 'reserve-stock', () => {
      const left = svc.stock.get(o.sku) ?? 0;
      if (left < o.quantity) throw new StepRejected(`out of stock: ${o.sku}`);
      svc.stock.set(o.sku, left - o.quantity);
      svc.reservations.set(o.orderId, { ...o, released: false });
    }),
    compensate: async (o, key) => svc.once(key, 'undo reserve-stock', () => {
      const r = svc.reservations.get(o.orderId);
      if (!r || r.released) return; // nothing reserved: nothing to give back
      r.released = true;
      svc.stock.set(r.sku, (svc.stock.get(r.sku) ?? 0) + r.quantity);
    }),
  }, {
    name: 'charge-card', kind: 'pivot',
    action: async (o, key) => svc.once(key, 'charge-card', () => {
      if (svc.declineCustomers.has(o.customerId)) {
        throw new StepRejected('card declined');
      }
      svc.charges.set(key, o.amountCents);
    }),
  }, {
    name: 'approve-order', kind: 'retriable',
    action: async (o, key) => svc.once(key, 'approve-order', () =>
      svc.orders.set(o.orderId, 'APPROVED')),
  }, {
    name: 'request-shipment', kind: 'retriable',
    action: async (o, key) => svc.once(key, 'request-shipment', () =>
      svc.shipments.add(o.orderId)),
  }];
}
// #endregion order-steps

/** Validates the order, then starts (or resumes) its saga. */
export async function placeOrder(saga: SagaOrchestrator<Order>, input: unknown) {
  const order = OrderInput.parse(input);
  return saga.start(order.orderId, order);
}

if (import.meta.main) {
  // #region demo
  const db = await openDatabase();
  await db.exec(SAGA_SCHEMA);
  const svc = new Services();
  svc.stock.set('lamp', 5);
  svc.declineCustomers.add('c-2');
  const saga = new SagaOrchestrator(orderSteps(svc), new PgSagaStore<Order>(db));
  const base = { sku: 'lamp', quantity: 2, amountCents: 4_900 };
  for (const [orderId, customerId] of [['o-1', 'c-1'], ['o-2', 'c-2']]) {
    const s = await placeOrder(saga, { ...base, orderId, customerId });
    console.log(`${orderId} ${s.status}, done: ${s.done.length} steps`);
    if (s.failure) console.log(`  failed at ${s.failure}`);
    if (s.undone.length) console.log(`  undone: ${s.undone.join(', ')}`);
  }
  console.log(`stock left: ${svc.stock.get('lamp')} of 5`);
  console.log(`cards charged: ${svc.charges.size}`);
  await db.close();
  // #endregion demo
}
