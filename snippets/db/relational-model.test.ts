import { describe, expect, it } from 'vitest';
import { explain, scans } from './explain.ts';
import {
  loadOrder, parseOrder, RELATIONAL_SCHEMA, renameProduct, saveOrder,
  unitsSold, type Order,
} from './relational-model.ts';
import { useDatabase } from './use-database.ts';

const db = useDatabase(RELATIONAL_SCHEMA, {
  reset: 'TRUNCATE customers, products, orders, order_items',
});

const order = (over: Partial<Order> = {}): Order => ({
  id: 'ord_1', customer: { id: 'cus_ada', name: 'Ada' },
  placedAt: '2026-12-01T09:00:00.000Z',
  items: [
    { sku: 'MUG-1', name: 'Mug', qty: 2, unitCents: 1200 },
    { sku: 'TEA-7', name: 'Tea', qty: 1, unitCents: 650 },
  ],
  ...over,
});

describe('parseOrder', () => {
  it('normalizes the timestamp to UTC', () => {
    expect(parseOrder(order({ placedAt: '2026-12-01T10:00:00+01:00' }))
      .placedAt).toBe('2026-12-01T09:00:00.000Z');
  });

  it('names every bad field', () => {
    const bad = { ...order(), id: 'o1', items: [{ sku: 'x', name: '',
      qty: 0, unitCents: 1.5 }] };
    expect(() => parseOrder(bad)).toThrow(TypeError);
    expect(() => parseOrder(bad)).toThrow(
      /id: .*items\.0\.sku: .*items\.0\.name: .*items\.0\.qty: .*items\.0\.unitCents/);
  });

  it('refuses unknown keys, empty and oversized orders, and non-objects', () => {
    expect(() => parseOrder({ ...order(), admin: true })).toThrow(/admin/);
    expect(() => parseOrder(order({ items: [] }))).toThrow(/items/);
    const item = order().items[0]!;
    expect(() => parseOrder(order({ items: Array(101).fill(item) })))
      .toThrow(/items/);
    for (const input of [null, 'ord_1', [], 42]) {
      expect(() => parseOrder(input)).toThrow(/invalid order: \(order\)/);
    }
  });
});

describe('the relational model', () => {
  it('reassembles the order it stored, lines in order', async () => {
    await saveOrder(db(), order());
    expect(await loadOrder(db(), 'ord_1')).toEqual(order());
    expect(await loadOrder(db(), 'ord_404')).toBeUndefined();
  });

  it('enforces its constraints even on code that skips validation', async () => {
    await saveOrder(db(), order());
    await expect(db().query(`INSERT INTO order_items
      VALUES ('ord_1', 3, 'MUG-1', 0, 100)`)).rejects
      .toMatchObject({ code: '23514' }); // check_violation: qty > 0
    await expect(db().query(`INSERT INTO order_items
      VALUES ('ord_1', 3, 'NO-SUCH', 1, 100)`)).rejects
      .toMatchObject({ code: '23503' }); // foreign_key_violation
    await expect(db().query(`INSERT INTO orders
      VALUES ('ord_2', 'cus_nobody', now())`)).rejects
      .toMatchObject({ code: '23503' });
  });

  it('saves all of an order or none of it', async () => {
    // A rule only the database knows, broken by the second line.
    await db().exec('ALTER TABLE order_items ADD CONSTRAINT qty_cap CHECK (qty < 100)');
    try {
      const big = order({ items: [
        { sku: 'NEW-1', name: 'New', qty: 1, unitCents: 1 },
        { sku: 'MUG-1', name: 'Mug', qty: 500, unitCents: 1200 }] });
      await expect(saveOrder(db(), big)).rejects
        .toMatchObject({ code: '23514', constraint: 'qty_cap' });
    } finally {
      await db().exec('ALTER TABLE order_items DROP CONSTRAINT qty_cap');
    }
    for (const table of ['customers', 'orders', 'products', 'order_items']) {
      const { rows } = await db().query(`SELECT 1 FROM ${table}`);
      expect(rows, table).toEqual([]);
    }
  });

  it('refuses a second order with the same id', async () => {
    await saveOrder(db(), order());
    await expect(saveOrder(db(), order())).rejects
      .toMatchObject({ code: '23505' });
  });

  it('answers a question across orders with one aggregate', async () => {
    await saveOrder(db(), order());
    await saveOrder(db(), order({ id: 'ord_2', items: [
      { sku: 'MUG-1', name: 'Mug', qty: 5, unitCents: 1200 }] }));
    expect(await unitsSold(db(), 'MUG-1')).toBe(7);
    expect(await unitsSold(db(), 'NOPE')).toBe(0);
  });

  it('finds an item by sku through its B-tree index', async () => {
    await db().exec('SET enable_seqscan = off'); // a few rows; pretend many
    try {
      const plan = await explain(db(),
        "SELECT sum(qty) FROM order_items WHERE sku = 'MUG-1'");
      expect(scans(plan).join()).toContain('using order_items_sku_idx');
    } finally {
      await db().exec('RESET enable_seqscan');
    }
  });

  it('renames a product in one row, and every order shows it', async () => {
    await saveOrder(db(), order());
    await saveOrder(db(), order({ id: 'ord_2' }));
    expect(await renameProduct(db(), 'MUG-1', 'Blue mug')).toBe(1);
    for (const id of ['ord_1', 'ord_2']) {
      expect((await loadOrder(db(), id))?.items[0]?.name).toBe('Blue mug');
    }
  });

  it('refuses a product name the order schema would reject', async () => {
    await saveOrder(db(), order());
    for (const name of ['', 'x'.repeat(201)]) {
      await expect(renameProduct(db(), 'MUG-1', name), name)
        .rejects.toThrow(/invalid product name/);
    }
    expect((await loadOrder(db(), 'ord_1'))?.items[0]?.name).toBe('Mug');
  });
});
