/**
 * Idempotency end to end, one defense per hop: the client sends one key
 * for one user action, the orders API deduplicates on it and writes an
 * outbox event in the same transaction, the relay publishes at least
 * once, and the shipping consumer keeps an inbox with a unique constraint
 * behind it. Every hop may deliver twice; the effect happens once.
 * @see https://microservices.io/patterns/data/transactional-outbox.html
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { statusProblem } from '../http/problem.ts';
import { IDEMPOTENCY_SCHEMA, type Db } from './idempotency-keys.ts';
import { idempotent, type IdempotentOptions } from './idempotent-post.ts';
import { consumeOnce, INBOX_SCHEMA, type Outcome } from './inbox-consumer.ts';

export const PIPELINE_SCHEMA = `${IDEMPOTENCY_SCHEMA}${INBOX_SCHEMA}
CREATE TABLE IF NOT EXISTS orders (
  id        uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  sku       text NOT NULL,
  quantity  int  NOT NULL CHECK (quantity > 0)
);
CREATE TABLE IF NOT EXISTS outbox (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id   uuid   NOT NULL UNIQUE,
  payload      jsonb  NOT NULL,
  published_at timestamptz
);
CREATE TABLE IF NOT EXISTS shipments (
  id       int  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id uuid NOT NULL,
  sku      text NOT NULL,
  quantity int  NOT NULL,
  -- the last line of defense: one shipment per order
  CONSTRAINT shipments_one_per_order UNIQUE (order_id)
);`;

const orderInput = z.strictObject({
  sku: z.string().regex(/^[A-Z0-9-]{1,32}$/),
  quantity: z.number().int().min(1).max(100),
});
export type OrderInput = z.infer<typeof orderInput>;
export interface OrderPlaced extends OrderInput { id: string; order_id: string }

// #region client
/**
 * The caller mints `key` once per user action and stores it with the
 * pending action, before the first attempt: every retry, even one after
 * a crash or a reload, must send the same key. Retries live in `send`.
 */
export function placeOrder(send: (req: Request) => Promise<Response>,
  order: OrderInput, key: string): Promise<Response> {
  return send(new Request('https://shop.example/orders', {
    method: 'POST', body: JSON.stringify(order),
    headers: { 'Content-Type': 'application/json',
      'Idempotency-Key': `"${key}"` },
  }));
}
// #endregion client

type AppDeps = Pick<IdempotentOptions<unknown>, 'db' | 'tenantOf'>
  & { newId?: () => string };

// #region orders
export function createOrdersApp({ newId = randomUUID, ...deps }: AppDeps) {
  const app = new Hono();
  app.post('/orders', idempotent({ ...deps, newToken: newId,
    schema: orderInput }, async ({ tx, input, tenant }) => {
    const id = newId();
    await tx.query(`INSERT INTO orders (id, tenant_id, sku, quantity)
      VALUES ($1, $2, $3, $4)`, [id, tenant, input.sku, input.quantity]);
    // Same transaction: the event exists if and only if the order does,
    // and its message id is fixed now, not when it is published.
    await tx.query('INSERT INTO outbox (message_id, payload) VALUES ($1, $2)',
      [newId(), JSON.stringify({ order_id: id, ...input })]);
    return { status: 201, body: JSON.stringify({ id, ...input }),
      headers: { 'Content-Type': 'application/json',
        Location: `/orders/${id}` } };
  }));
  app.onError(() => statusProblem(500));
  return app;
}
// #endregion orders

// #region relay
/**
 * Publishes unsent outbox rows in order, marking each after the broker
 * accepts it. A crash between the two sends the row again next run:
 * at-least-once, which is why every consumer must deduplicate.
 */
export async function relayOutbox(db: Db, now: number,
  publish: (event: OrderPlaced) => Promise<void>, limit = 100) {
  const { rows } = await db.query<{ message_id: string;
    payload: Omit<OrderPlaced, 'id'> }>(`SELECT message_id, payload
    FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`, [limit]);
  for (const row of rows) {
    await publish({ id: row.message_id, ...row.payload });
    await db.query('UPDATE outbox SET published_at = $2 WHERE message_id = $1',
      [row.message_id, new Date(now)]);
  }
  return rows.length;
}
// #endregion relay

// #region shipping
/** The shipping service's handler: one shipment per order, at most. */
export function shipOrder(db: Db, event: OrderPlaced, now: number)
  : Promise<Outcome> {
  return consumeOnce(db, 'shipping', event, now, async (tx, e) => {
    await tx.query(`INSERT INTO shipments (order_id, sku, quantity)
      VALUES ($1, $2, $3)`, [e.order_id, e.sku, e.quantity]);
  }, 'shipments_one_per_order');
}
// #endregion shipping

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const { withRetries } = await import('../http/retry-idempotent.ts');
  const db = await openDatabase();
  await db.exec(PIPELINE_SCHEMA);
  const now = Date.UTC(2026, 0, 1);
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const app = createOrdersApp({ db, tenantOf: () => 'acct_1', newId });
  const count = async (table: string) => (await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;

  // Hop 1: the server commits, the answer is lost, the client retries.
  let tries = 0;
  const lossy = async (req: Request) => {
    const res = await app.request(req);
    if (++tries === 1) throw new TypeError('fetch failed: socket hang up');
    return res;
  };
  const send = withRetries(lossy, { sleep: async () => {}, now: () => now });
  const res = await placeOrder(send, { sku: 'MUG-1', quantity: 2 }, newId());
  console.log(`client: ${tries} tries -> ${res.status}, replayed: ${
    res.headers.get('Idempotent-Replayed')}`);
  console.log(`orders: ${await count('orders')}, outbox: ${
    await count('outbox')}`);

  // Hop 2: the relay publishes, then dies before marking the row.
  const broker: OrderPlaced[] = [];
  await relayOutbox(db, now, async (e) => {
    broker.push(e);
    throw new Error('relay killed');
  }).catch(() => {});
  await relayOutbox(db, now, async (e) => { broker.push(e); });
  console.log(`relay: ${broker.length} copies of the event published`);

  // Hop 3: the consumer gets both copies, then a re-sent one with a new id.
  for (const event of [...broker, { ...broker[0]!, id: newId() }]) {
    console.log(`shipping message …${event.id.slice(-4)} -> ${
      await shipOrder(db, event, now)}`);
  }
  console.log(`shipments: ${await count('shipments')}`);
  await db.close();
}
