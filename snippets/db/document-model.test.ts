import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_SCHEMA, loadOrderDoc, ordersWithSku, renameProductDocs,
  saveOrderDoc,
} from './document-model.ts';
import { explain, scans } from './explain.ts';
import { type Order } from './relational-model.ts';
import { useDatabase } from './use-database.ts';

const db = useDatabase(DOCUMENT_SCHEMA, { reset: 'TRUNCATE order_docs' });

const order = (id: string, skus: string[]): Order => ({
  id, customer: { id: 'cus_ada', name: 'Ada' },
  placedAt: '2026-12-01T09:00:00.000Z',
  items: skus.map((sku) => ({ sku, name: `Name of ${sku}`, qty: 1,
    unitCents: 100 })),
});

describe('the document model', () => {
  it('stores and reads back a whole order as one value', async () => {
    await saveOrderDoc(db(), order('ord_1', ['MUG-1', 'TEA-7']));
    expect(await loadOrderDoc(db(), 'ord_1'))
      .toEqual(order('ord_1', ['MUG-1', 'TEA-7']));
    expect(await loadOrderDoc(db(), 'ord_404')).toBeUndefined();
  });

  it('checks the shape in the application, before the database', async () => {
    await expect(saveOrderDoc(db(), { ...order('ord_1', ['MUG-1']),
      coupon: 'FREE' })).rejects.toThrow(/invalid order: .*coupon/);
    const { rows } = await db().query('SELECT id FROM order_docs');
    expect(rows).toEqual([]);
  });

  it('lets the database check little: any object goes in', async () => {
    await expect(db().query(`INSERT INTO order_docs
      VALUES ('ord_1', '[1, 2]')`)).rejects.toMatchObject({ code: '23514' });
    // Code that skips parseOrder writes a document nobody can use...
    await db().query(`INSERT INTO order_docs
      VALUES ('ord_2', '{"id": "ord_2", "itmes": []}')`);
    // ...and the reader is where it is caught.
    await expect(loadOrderDoc(db(), 'ord_2')).rejects
      .toThrow(/invalid order: .*items/);
  });

  it('finds the orders that contain a sku, and only those', async () => {
    await saveOrderDoc(db(), order('ord_1', ['MUG-1', 'TEA-7']));
    await saveOrderDoc(db(), order('ord_2', ['TEA-7']));
    await saveOrderDoc(db(), order('ord_3', ['MUG-10']));
    expect(await ordersWithSku(db(), 'MUG-1')).toEqual(['ord_1']);
    expect(await ordersWithSku(db(), 'TEA-7')).toEqual(['ord_1', 'ord_2']);
  });

  it('treats a hostile sku as a value, not as JSON or SQL', async () => {
    await saveOrderDoc(db(), order('ord_1', ['MUG-1']));
    for (const sku of ['"}]}', `' OR '1'='1`, '', '{}']) {
      expect(await ordersWithSku(db(), sku)).toEqual([]);
    }
  });

  it('must rewrite every document that embeds a renamed product', async () => {
    await saveOrderDoc(db(), order('ord_1', ['TEA-7', 'MUG-1']));
    await saveOrderDoc(db(), order('ord_2', ['MUG-1']));
    await saveOrderDoc(db(), order('ord_3', ['TEA-7']));
    expect(await renameProductDocs(db(), 'MUG-1', 'Blue mug')).toBe(2);
    const first = await loadOrderDoc(db(), 'ord_1');
    expect(first?.items.map((i) => i.name)).toEqual(
      ['Name of TEA-7', 'Blue mug']); // other items and order kept
    expect((await loadOrderDoc(db(), 'ord_3'))?.items[0]?.name)
      .toBe('Name of TEA-7');
  });

  it('checks the new name too, so no document is left unreadable', async () => {
    await saveOrderDoc(db(), order('ord_1', ['MUG-1']));
    for (const name of ['', 'x'.repeat(201), 42 as unknown as string]) {
      await expect(renameProductDocs(db(), 'MUG-1', name), String(name))
        .rejects.toThrow(/invalid product name/);
    }
    expect((await loadOrderDoc(db(), 'ord_1'))?.items[0]?.name)
      .toBe('Name of MUG-1');
  });
});

describe('GIN operator classes', () => {
  const plan = async (where: string) => {
    await db().exec('SET enable_seqscan = off'); // a few rows; pretend many
    try {
      return scans(await explain(db(),
        `SELECT id FROM order_docs WHERE ${where}`)).join(' <- ');
    } finally {
      await db().exec('RESET enable_seqscan');
    }
  };
  const containment = `doc @> '{"items":[{"sku":"MUG-1"}]}'`;

  it('jsonb_path_ops serves containment, @>', async () => {
    expect(await plan(containment))
      .toContain('Bitmap Index Scan using order_docs_doc_idx');
  });

  it('jsonb_path_ops cannot serve key existence, ?', async () => {
    expect(await plan(`doc ? 'coupon'`)).toBe('Seq Scan on order_docs');
  });

  it('the default jsonb_ops serves both', async () => {
    await db().exec('CREATE INDEX order_docs_ops_idx ON order_docs USING gin (doc)');
    try {
      expect(await plan(`doc ? 'coupon'`))
        .toContain('Bitmap Index Scan using order_docs_ops_idx');
    } finally {
      await db().exec('DROP INDEX order_docs_ops_idx');
    }
  });
});
