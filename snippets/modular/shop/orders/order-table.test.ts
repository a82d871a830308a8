import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../../db/use-database.ts';
import { insertOrder, ORDERS_SCHEMA, selectOrder } from './order-table.ts';

const db = useDatabase(ORDERS_SCHEMA,
  { reset: 'TRUNCATE orders.orders, orders.order_lines RESTART IDENTITY' });
const line = { product_id: 'lamp', product_name: 'Lamp', unit_price_cents: 3900,
  quantity: 2 };
const count = async (table: string) => (await db().query<{ n: number }>(
  `SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

describe('orders tables', () => {
  it('stores an order with its lines and total', async () => {
    const id = await insertOrder(db(), 'c-1',
      [line, { ...line, product_id: 'shade', product_name: 'Shade', quantity: 1 }]);
    expect(await selectOrder(db(), id)).toEqual({ id, customer_id: 'c-1',
      total_cents: 3900 * 3, lines: [line, { ...line, product_id: 'shade',
        product_name: 'Shade', quantity: 1 }] });
  });

  it('has no foreign key to the catalog: any product id is just a value', async () => {
    const id = await insertOrder(db(), 'c-1', [{ ...line, product_id: 'not-in-any-table' }]);
    expect((await selectOrder(db(), id))!.lines[0]!.product_id).toBe('not-in-any-table');
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_constraint
       WHERE contype = 'f' AND conrelid = 'orders.order_lines'::regclass
       AND confrelid <> 'orders.orders'::regclass`);
    expect(rows[0]!.n).toBe(0);
  });

  it('writes an order and its lines all or nothing', async () => {
    await expect(insertOrder(db(), 'c-1', [line, { ...line, quantity: 0 }]))
      .rejects.toThrow(/check constraint/);
    expect(await count('orders.orders')).toBe(0);
    expect(await count('orders.order_lines')).toBe(0);
  });

  it('returns undefined for an order that does not exist', async () => {
    expect(await selectOrder(db(), 999)).toBeUndefined();
  });
});
