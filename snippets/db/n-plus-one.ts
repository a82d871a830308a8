/**
 * Q66: one page of customers with their orders, loaded four ways through
 * Drizzle. The N+1 loop sends 1 + N statements; a join or the relational
 * query sends 1; a batched IN query (by hand or through Q81's DataLoader-
 * style loader) sends 2, however many customers the page holds.
 * @see https://orm.drizzle.team/docs/rqb
 * @see https://github.com/graphql/dataloader#batching
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { createBatchLoader } from '../api/batch-loader.ts';
import { openDatabase } from './database.ts';
import {
  customers, openOrm, orders, ORM_SCHEMA_SQL, seedShop, type Orm,
} from './orm-schema.ts';
import { QueryCounter } from './query-counter.ts';

export interface OrderSummary { id: number; totalCents: number }
export interface CustomerWithOrders {
  id: number;
  name: string;
  orders: OrderSummary[];
}
export const MAX_PAGE = 100;

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new RangeError(
      `limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
  }
  return limit;
}

const page = (db: Orm, limit: number) => db
  .select({ id: customers.id, name: customers.name })
  .from(customers).orderBy(asc(customers.id)).limit(checkLimit(limit));

const orderColumns = { id: orders.id, totalCents: orders.totalCents };

// #region n-plus-one
/** 1 query for the page, then 1 per customer: 1 + N round trips. */
export async function nPlusOne(db: Orm, limit: number) {
  const list = await page(db, limit);
  const result: CustomerWithOrders[] = [];
  for (const customer of list) {
    const own = await db.select(orderColumns).from(orders)
      .where(eq(orders.customerId, customer.id))
      .orderBy(asc(orders.id));
    result.push({ ...customer, orders: own });
  }
  return result;
}
// #endregion n-plus-one

// #region batched
/** 1 query for the page, 1 for all its orders: 2, whatever N is. */
export async function batched(db: Orm, limit: number) {
  const list = await page(db, limit);
  if (list.length === 0) return []; // IN () would still cost a round trip
  const rows = await db
    .select({ ...orderColumns, customerId: orders.customerId })
    .from(orders)
    .where(inArray(orders.customerId, list.map((c) => c.id)))
    .orderBy(asc(orders.id));
  const byCustomer = Map.groupBy(rows, (row) => row.customerId);
  return list.map((customer) => ({
    ...customer,
    orders: (byCustomer.get(customer.id) ?? [])
      .map(({ id, totalCents }) => ({ id, totalCents })),
  }));
}
// #endregion batched

// #region join
/** 1 query. LIMIT goes on the customers, in a subquery, not the join. */
export async function joined(db: Orm, limit: number) {
  const sub = page(db, limit).as('page');
  const rows = await db
    .select({ customer: { id: sub.id, name: sub.name }, order: orderColumns })
    .from(sub)
    .leftJoin(orders, eq(orders.customerId, sub.id)) // keep order-less
    .orderBy(asc(sub.id), asc(orders.id));
  const result = new Map<number, CustomerWithOrders>();
  for (const { customer, order } of rows) {
    const entry = result.get(customer.id)
      ?? { ...customer, orders: [] };
    if (order) entry.orders.push(order); // null for a customer w/o orders
    result.set(customer.id, entry);
  }
  return [...result.values()];
}
// #endregion join

// #region relational
/** Drizzle's relational query: one statement (a lateral join). */
export function relational(db: Orm, limit: number) {
  return db.query.customers.findMany({
    columns: { id: true, name: true },
    orderBy: (c, { asc }) => [asc(c.id)],
    limit: checkLimit(limit),
    with: {
      orders: {
        columns: { id: true, totalCents: true },
        orderBy: (o, { asc }) => [asc(o.id)], // else json_agg's order
      },
    },
  });
}
// #endregion relational

// #region loader
/**
 * Resolver-style code, one load() per customer, batched by Q81's loader
 * into one IN query per tick. Create one loader per request.
 */
export function ordersLoader(db: Orm, maxBatchSize = MAX_PAGE) {
  return createBatchLoader<number, OrderSummary[]>(async (ids) => {
    const rows = await db
      .select({ ...orderColumns, customerId: orders.customerId })
      .from(orders).where(inArray(orders.customerId, ids))
      .orderBy(asc(orders.id));
    const grouped = Map.groupBy(rows, (row) => row.customerId);
    return new Map(ids.map((id) => [id, (grouped.get(id) ?? [])
      .map(({ id: orderId, totalCents }) => ({ id: orderId, totalCents }))]));
  }, { maxBatchSize });
}

export async function withLoader(db: Orm, limit: number) {
  const loader = ordersLoader(db);
  const list = await page(db, limit);
  return Promise.all(list.map(async (customer) => ({
    ...customer, orders: (await loader.load(customer.id)) ?? [],
  })));
}
// #endregion loader

export const strategies = { nPlusOne, batched, joined, relational, withLoader };

if (import.meta.main) {
  const client = await openDatabase();
  try {
    await client.exec(ORM_SCHEMA_SQL);
    const counter = new QueryCounter();
    const db = openOrm(client, counter);
    await seedShop(db, 20); // 20 customers, 0 to 2 orders each
    let first = '';
    for (const [name, load] of Object.entries(strategies)) {
      const { result, count } = await counter.measure(() => load(db, 20));
      const same = first === '' || JSON.stringify(result) === first;
      first ||= JSON.stringify(result);
      console.log(`${name.padEnd(10)} ${String(count).padStart(2)} `
        + (count === 1 ? 'query  ' : 'queries')
        + `  ${result.length} customers${same ? '' : '  DIFFERENT RESULT'}`);
    }
  } finally {
    await client.close();
  }
}
