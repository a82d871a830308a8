import { beforeAll, describe, expect, it } from 'vitest';
import { explain } from './explain.ts';
import { beforeAndAfter, FIND_BY_NUMBER, ORDERS_SCHEMA, rowsRead, seedOrders } from './index-demo.ts';
import { useDatabase } from './use-database.ts';

describe('an index on orders.number', () => {
  const db = useDatabase(ORDERS_SCHEMA, {
    reset: 'DROP INDEX IF EXISTS orders_number_idx',
  });
  beforeAll(async () => { await seedOrders(db()); });

  it('seeds the same rows every time', async () => {
    const { rows } = await db().query(`SELECT count(*)::int AS n,
      count(DISTINCT customer_id)::int AS customers,
      count(*) FILTER (WHERE status = 'pending')::int AS pending,
      min(number) AS first, max(number) AS last FROM orders`);
    expect(rows).toEqual([{ n: 20_000, customers: 200, pending: 400,
      first: 'ord-000001', last: 'ord-020000' }]);
  });

  it('turns a sequential scan into an index scan', async () => {
    const { before, after } = await beforeAndAfter(db(), 'ord-004242');
    expect(before).toMatchObject({ type: 'Seq Scan', relation: 'orders', actualRows: 1 });
    expect(rowsRead(before)).toBe(20_000); // every row, to keep one
    expect(after).toMatchObject({ type: 'Index Scan', index: 'orders_number_idx', actualRows: 1 });
    expect(rowsRead(after)).toBe(1);
  });

  it('is an option for the planner, not an order: most rows matching means a sequential scan', async () => {
    await db().exec('CREATE INDEX orders_number_idx ON orders (number)');
    const most = await explain(db(), 'SELECT * FROM orders WHERE number > $1', ['ord-000100']);
    expect(most.type).toBe('Seq Scan');
    const few = await explain(db(), 'SELECT * FROM orders WHERE number > $1', ['ord-019990']);
    expect(few).toMatchObject({ type: 'Index Scan', index: 'orders_number_idx' });
  });

  it('is not used when the query wraps the column in a function', async () => {
    await db().exec('CREATE INDEX orders_number_idx ON orders (number)');
    const plan = await explain(db(), 'SELECT * FROM orders WHERE upper(number) = $1', ['ORD-004242']);
    expect(plan.type).toBe('Seq Scan');
    expect((await explain(db(), FIND_BY_NUMBER, ['ord-004242'])).type).toBe('Index Scan');
  });

  it('refuses a bad row count', async () => {
    for (const bad of [0, -1, 1.5, 200_001, Number.NaN]) {
      await expect(seedOrders(db(), bad)).rejects.toThrow(RangeError);
    }
  });
});
