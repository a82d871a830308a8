import { asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  batched, joined, MAX_PAGE, nPlusOne, ordersLoader, relational, strategies,
  withLoader,
} from './n-plus-one.ts';
import { customers, openOrm, orders, ORM_SCHEMA_SQL, seedShop } from './orm-schema.ts';
import { QueryCounter } from './query-counter.ts';
import { useDatabase } from './use-database.ts';

const client = useDatabase(ORM_SCHEMA_SQL,
  { reset: 'TRUNCATE orders, customers RESTART IDENTITY' });

function setup() {
  const counter = new QueryCounter();
  return { counter, db: openOrm(client(), counter) };
}
const others = Object.entries(strategies).filter(([name]) => name !== 'nPlusOne');

describe('every strategy loads the same page', () => {
  it('including customers with no orders, orders in id order', async () => {
    const { db } = setup();
    await seedShop(db, 7, (i) => (i * 5) % 4); // 0, 1, 2, 3 orders in turn
    const expected = await nPlusOne(db, 7);
    expect(expected.map((c) => c.orders.length)).toEqual([0, 1, 2, 3, 0, 1, 2]);
    expect(expected[3]?.orders.map((o) => o.id)).toEqual([4, 5, 6]);
    for (const [name, load] of others) {
      expect(await load(db, 7), name).toEqual(expected);
    }
  });

  it('and only the page: the limit counts customers, not joined rows', async () => {
    const { db } = setup();
    await seedShop(db, 5, () => 3);
    // The mistake joined() avoids: LIMIT on the join cuts rows, so the first
    // customer's three orders use up the whole page.
    const naive = await db.select({ id: customers.id, orderId: orders.id })
      .from(customers).leftJoin(orders, eq(orders.customerId, customers.id))
      .orderBy(asc(customers.id), asc(orders.id)).limit(2);
    expect(naive.map((r) => r.id)).toEqual([1, 1]);
    for (const [name, load] of Object.entries(strategies)) {
      const page = await load(db, 2);
      expect(page.map((c) => [c.id, c.orders.length]), name).toEqual([[1, 3], [2, 3]]);
    }
  });

  it('sorts customers and orders by id, not by where the rows sit on disk', async () => {
    // Rows inserted in reverse id order: a scan returns them that way, so a
    // strategy that drops an ORDER BY (or json_agg's) returns them reversed.
    await client().exec(`
      INSERT INTO customers (id, email, name) OVERRIDING SYSTEM VALUE
        VALUES (3, 'c3@example.com', 'C'), (2, 'c2@example.com', 'B'),
               (1, 'c1@example.com', 'A');
      INSERT INTO orders (id, customer_id, total_cents)
        OVERRIDING SYSTEM VALUE VALUES (6, 1, 60), (5, 2, 50), (4, 1, 40), (3, 2, 30), (2, 1, 20),
               (1, 3, 10);
      ANALYZE customers; ANALYZE orders;`);
    const { db } = setup();
    const expected = [
      { id: 1, name: 'A', orders: [{ id: 2, totalCents: 20 },
        { id: 4, totalCents: 40 }, { id: 6, totalCents: 60 }] },
      { id: 2, name: 'B', orders: [{ id: 3, totalCents: 30 },
        { id: 5, totalCents: 50 }] },
      { id: 3, name: 'C', orders: [{ id: 1, totalCents: 10 }] },
    ];
    for (const [name, load] of Object.entries(strategies)) {
      expect(await load(db, 3), name).toEqual(expected);
    }
  });
});

describe('queries sent', () => {
  const expected = { batched: 2, joined: 1, relational: 1, withLoader: 2 };

  it.each([3, 25])('N+1 sends 1 + %i; the others a fixed number', async (n) => {
    const { db, counter } = setup();
    await seedShop(db, n);
    expect((await counter.measure(() => nPlusOne(db, n))).count).toBe(1 + n);
    for (const [name, load] of others) {
      const { count } = await counter.measure(() => load(db, n));
      expect(count, name).toBe(expected[name as keyof typeof expected]);
    }
  });

  it('stays within a budget of 2 for a full page (fails if it regresses to a loop)', async () => {
    const { db, counter } = setup();
    await seedShop(db, MAX_PAGE, () => 1);
    for (const [name, load] of others) {
      const page = await counter.expectAtMost(2, () => load(db, MAX_PAGE));
      expect(page, name).toHaveLength(MAX_PAGE);
    }
    await expect(counter.expectAtMost(2, () => nPlusOne(db, MAX_PAGE)))
      .rejects.toThrow(`got ${MAX_PAGE + 1}`);
  });

  it('skips the IN query when the page is empty', async () => {
    const { db, counter } = setup();
    for (const [name, load] of Object.entries(strategies)) {
      const { count, result } = await counter.measure(() => load(db, 10));
      expect([count, result], name).toEqual([1, []]);
    }
  });

  it('because Drizzle sends inArray with an empty list as "where false"', () => {
    const { db } = setup();
    const { sql: text, params } = db.select({ id: orders.id }).from(orders)
      .where(inArray(orders.customerId, [])).toSQL();
    expect(text).toMatch(/ where false$/);
    expect(params).toEqual([]);
  });

  it('the loader splits a page into batches of maxBatchSize', async () => {
    const { db, counter } = setup();
    await seedShop(db, 10, () => 1);
    const loader = ordersLoader(db, 4);
    const { count, result } = await counter.measure(() => Promise.all(
      Array.from({ length: 10 }, (_, i) => loader.load(i + 1))));
    expect(count).toBe(3); // 4 + 4 + 2 keys
    expect(result.map((list) => list?.length)).toEqual(Array(10).fill(1));
    // A key asked for again is served from the loader's cache.
    expect((await counter.measure(() => loader.load(1))).count).toBe(0);
  });
});

describe('bad input', () => {
  it.each([0, -1, 1.5, Number.NaN, MAX_PAGE + 1])('refuses limit %s before querying', async (limit) => {
    const { db, counter } = setup();
    for (const [name, load] of Object.entries(strategies)) {
      const { count } = await counter.measure(async () => {
        await expect(Promise.resolve().then(() => load(db, limit)), name)
          .rejects.toThrow(RangeError);
      });
      expect(count, name).toBe(0);
    }
  });
});

// Keep the imports honest: each strategy is also exported on its own.
it('exports every strategy it names', () => {
  expect(strategies).toEqual({ nPlusOne, batched, joined, relational, withLoader });
});
