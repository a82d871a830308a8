import { beforeEach, describe, expect, it } from 'vitest';
import { withRetries } from '../http/retry-idempotent.ts';
import {
  claimKey, completeKey, fingerprint, type Db,
} from './idempotency-keys.ts';
import {
  createOrdersApp, placeOrder, PIPELINE_SCHEMA, relayOutbox, shipOrder,
  type OrderPlaced,
} from './order-pipeline.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const NOW = Date.UTC(2026, 0, 1);
const ORDER = { sku: 'MUG-1', quantity: 2 };

const db = useDatabase(PIPELINE_SCHEMA,
  { reset: 'TRUNCATE idempotency_keys, inbox, orders, outbox, shipments' });
let ids: number;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

beforeEach(() => { ids = 0; });

const count = async (table: 'orders' | 'outbox' | 'shipments', on: Db = db()) =>
  (await on.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
const app = (on: Db = db()) => createOrdersApp({ db: on, tenantOf: () => 'acct_1', newId });
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

async function publishAll(on: Db = db()): Promise<OrderPlaced[]> {
  const broker: OrderPlaced[] = [];
  await relayOutbox(on, NOW, async (e) => { broker.push(e); });
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

  it('places one order when the user submits the same action twice', async () => {
    const target = app();
    const send = async (req: Request) => target.request(req);
    const a = await placeOrder(send, ORDER, 'key-1');
    const b = await placeOrder(send, ORDER, 'key-1');
    expect(await b.text()).toBe(await a.text());
    expect(b.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await count('orders')).toBe(1);
  });

  it('waits out a 409 while the first attempt is still running, then gets its answer', async () => {
    // Another instance took key-1 for this very request and is still working.
    const ref = { tenant: 'acct_1', key: 'key-1',
      fingerprint: fingerprint('POST', '/orders', ORDER) };
    const claim = await claimKey(db(), ref, { newToken: newId, ttlMs: 86_400_000, leaseMs: 30_000 });
    if (claim.kind !== 'owned') throw new Error(claim.kind);
    const target = app();
    const seen: number[] = [];
    const send = async (req: Request) => {
      const res = await target.request(req);
      seen.push(res.status);
      return res;
    };
    const slept: number[] = [];
    // A caller willing to wait a minute in all for its order.
    const retrying = withRetries(send, { now: () => NOW, deadlineMs: 60_000, sleep: async (ms) => {
      slept.push(ms);
      // Meanwhile the first attempt finishes on the other instance.
      await completeKey(db(), ref, claim.token, async () =>
        ({ status: 201, headers: { 'Content-Type': 'application/json' }, body: '{"id":"first"}' }));
    } });
    const res = await placeOrder(retrying, ORDER, 'key-1');
    expect(seen).toEqual([409, 201]);
    expect(slept).toEqual([30_000]); // the Retry-After it was given
    expect(res.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await res.json()).toEqual({ id: 'first' });
    expect(await count('orders')).toBe(0); // this instance never ran the handler
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
    expect(res.status).toBe(422); // the body reader's validation problem
    expect(await count('orders')).toBe(0);
    expect(await count('outbox')).toBe(0);
  });
});

describe('hop 2: outbox relay to broker', () => {
  it('publishes an event again when it dies between publishing and marking', async () => {
    const target = app();
    await placeOrder(async (req) => target.request(req), ORDER, 'key-1');
    const broker: OrderPlaced[] = [];
    await expect(relayOutbox(db(), NOW, async (e) => {
      broker.push(e);
      throw new Error('relay killed');
    })).rejects.toThrow('relay killed');
    expect(await relayOutbox(db(), NOW, async (e) => { broker.push(e); })).toBe(1);
    expect(await relayOutbox(db(), NOW, async (e) => { broker.push(e); })).toBe(0);
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
    expect(await shipOrder(db(), event, NOW)).toBe('processed');
    expect(await shipOrder(db(), event, NOW)).toBe('duplicate');
    expect(await count('shipments')).toBe(1);
  });

  it('ships once when the event is re-sent under a new message id: the unique constraint holds', async () => {
    const event = await oneEvent();
    await shipOrder(db(), event, NOW);
    expect(await shipOrder(db(), { ...event, id: newId() }, NOW)).toBe('already-applied');
    expect(await count('shipments')).toBe(1);
  });
});

// Every hop on a real server with a pool of connections, so the copies
// really run side by side (the module tests pin down each interleaving).
describe('end to end, on a PostgreSQL server', () => {
  const { db: pg } = useServerDatabase(PIPELINE_SCHEMA, { connections: 10 });

  it('turns duplicates at every hop into exactly one order and one shipment', async () => {
    const target = app(pg());
    let tries = 0;
    const lossy = async (req: Request) => { // the first answer is lost
      const res = await target.request(req);
      if (++tries === 1) throw new TypeError('fetch failed');
      return res;
    };
    const retrying = withRetries(lossy, noSleep);
    // A triple submit, and the first attempt's answer lost on the way back.
    const answers = await Promise.all([0, 1, 2].map(() => placeOrder(retrying, ORDER, 'key-1')));
    // A copy that found the first still running may be left with its 409;
    // once the first has committed, sending it again gets the order.
    for (const res of answers) expect([201, 409]).toContain(res.status);
    const again = await placeOrder(retrying, ORDER, 'key-1');
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    const broker = [...await publishAll(pg()), ...await publishAll(pg())];
    await pg().exec('UPDATE outbox SET published_at = NULL'); // an operator replays the outbox
    broker.push(...await publishAll(pg()));
    const resent = broker.map((e) => ({ ...e, id: newId() })); // a producer bug: new ids
    const outcomes = await Promise.all([...broker, ...broker, ...resent]
      .map((e) => shipOrder(pg(), e, NOW)));
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
    expect(await count('orders', pg())).toBe(1);
    expect(await count('shipments', pg())).toBe(1);
  });
});
