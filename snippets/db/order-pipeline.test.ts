import type { PGlite } from '@electric-sql/pglite';
import { openDatabase } from './database.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withRetries } from '../http/retry-idempotent.ts';
import {
  createOrdersApp, placeOrder, PIPELINE_SCHEMA, relayOutbox, shipOrder,
  type OrderPlaced,
} from './order-pipeline.ts';

const NOW = Date.UTC(2026, 0, 1);
const ORDER = { sku: 'MUG-1', quantity: 2 };

let db: PGlite;
let ids: number;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

beforeAll(async () => {
  db = await openDatabase();
  await db.exec(PIPELINE_SCHEMA);
}, 60_000); // PGlite boots a real PostgreSQL: seconds on a busy CI runner
afterAll(async () => { await db.close(); });
beforeEach(async () => {
  await db.exec('TRUNCATE idempotency_keys, inbox, orders, outbox, shipments');
  ids = 0;
});

const count = async (table: 'orders' | 'outbox' | 'shipments') =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
const app = () => createOrdersApp({ db, now: () => NOW, tenantOf: () => 'acct_1', newId });
const noSleep = { sleep: async () => {}, now: () => NOW };

/** Delivers every request but loses the first `lost` answers, like a timeout after commit. */
function losingAnswers(lost: number) {
  const target = app();
  const keys: (string | null)[] = [];
  const send = async (req: Request) => {
    keys.push(req.headers.get('Idempotency-Key'));
    const res = await target.request(req);
    if (keys.length <= lost) throw new TypeError('fetch failed');
    return res;
  };
  return { send, keys };
}

async function publishAll(): Promise<OrderPlaced[]> {
  const broker: OrderPlaced[] = [];
  await relayOutbox(db, NOW, async (e) => { broker.push(e); });
  return broker;
}

describe('hop 1: client to orders API', () => {
  it('survives lost answers: every retry carries the same key and one order is placed', async () => {
    const { send, keys } = losingAnswers(2);
    const res = await placeOrder(withRetries(send, noSleep), ORDER, 'key-1');
    expect(res.status).toBe(201);
    expect(res.headers.get('Idempotent-Replayed')).toBe('true');
    expect(keys).toEqual(['"key-1"', '"key-1"', '"key-1"']);
    expect(await count('orders')).toBe(1);
    expect(await count('outbox')).toBe(1);
  });

  it('places one order when the user double-submits the same action', async () => {
    const target = app();
    const send = async (req: Request) => target.request(req);
    const [a, b] = await Promise.all([placeOrder(send, ORDER, 'key-1'), placeOrder(send, ORDER, 'key-1')]);
    expect(await a.text()).toBe(await b.text());
    expect(await count('orders')).toBe(1);
  });

  it('places two orders when each attempt mints a new key: the key must outlive the attempt', async () => {
    const { send } = losingAnswers(1);
    await placeOrder(send, ORDER, newId()).catch(() => {}); // lost answer, no retry
    await placeOrder(send, ORDER, newId()); // "try again" with a fresh key
    expect(await count('orders')).toBe(2);
  });

  it('never writes an order without its event, nor an event without its order', async () => {
    const target = app();
    const res = await placeOrder(async (req) => target.request(req), { sku: 'mug', quantity: 0 }, 'key-1');
    expect(res.status).toBe(400);
    expect(await count('orders')).toBe(0);
    expect(await count('outbox')).toBe(0);
  });
});

describe('hop 2: outbox relay to broker', () => {
  it('publishes an event again when it dies between publishing and marking', async () => {
    const target = app();
    await placeOrder(async (req) => target.request(req), ORDER, 'key-1');
    const broker: OrderPlaced[] = [];
    await expect(relayOutbox(db, NOW, async (e) => {
      broker.push(e);
      throw new Error('relay killed');
    })).rejects.toThrow('relay killed');
    expect(await relayOutbox(db, NOW, async (e) => { broker.push(e); })).toBe(1);
    expect(await relayOutbox(db, NOW, async (e) => { broker.push(e); })).toBe(0);
    expect(broker).toHaveLength(2);
    expect(broker[1]).toEqual(broker[0]); // same message id both times
  });
});

describe('hop 3: broker to shipping consumer', () => {
  async function oneEvent(): Promise<OrderPlaced> {
    const target = app();
    await placeOrder(async (req) => target.request(req), ORDER, 'key-1');
    const [event] = await publishAll();
    if (!event) throw new Error('no event published');
    return event;
  }

  it('ships once when the broker redelivers the same message', async () => {
    const event = await oneEvent();
    expect(await shipOrder(db, event, NOW)).toBe('processed');
    expect(await shipOrder(db, event, NOW)).toBe('duplicate');
    expect(await count('shipments')).toBe(1);
  });

  it('ships once when copies arrive at two workers at the same time', async () => {
    const event = await oneEvent();
    const outcomes = await Promise.all([shipOrder(db, event, NOW), shipOrder(db, { ...event }, NOW)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'processed']);
    expect(await count('shipments')).toBe(1);
  });

  it('ships once when the event is re-sent under a new message id: the unique constraint holds', async () => {
    const event = await oneEvent();
    await shipOrder(db, event, NOW);
    expect(await shipOrder(db, { ...event, id: newId() }, NOW)).toBe('already-applied');
    expect(await count('shipments')).toBe(1);
  });
});

describe('end to end', () => {
  it('turns duplicates at every hop into exactly one shipment', async () => {
    const { send } = losingAnswers(1);
    const retrying = withRetries(send, noSleep);
    await Promise.all([placeOrder(retrying, ORDER, 'key-1'), placeOrder(retrying, ORDER, 'key-1')]);
    const broker = [...await publishAll(), ...await publishAll()];
    await db.exec('UPDATE outbox SET published_at = NULL'); // an operator replays the outbox
    broker.push(...await publishAll());
    const outcomes = await Promise.all(broker.map((e) => shipOrder(db, e, NOW)));
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
    expect(await count('orders')).toBe(1);
    expect(await count('shipments')).toBe(1);
  });
});
