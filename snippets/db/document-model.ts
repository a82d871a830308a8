/**
 * The orders of relational-model.ts stored as documents: one JSONB value
 * per order, customer and items embedded, in PostgreSQL. A document store
 * such as MongoDB makes the same trade: one read and one atomic write per
 * order, the shape checked by the application, and every copy of shared
 * data (a product's name) rewritten by the application when it changes.
 *
 * A GIN index with the jsonb_path_ops operator class serves containment
 * (`doc @> '{"items":[{"sku":"MUG-1"}]}'`) but not key existence (`?`);
 * the default jsonb_ops serves both and is larger.
 * @see https://www.postgresql.org/docs/current/datatype-json.html#JSON-INDEXING
 */
import { isDeepStrictEqual } from 'node:util';
import { openDatabase } from './database.ts';
import { explain, scans } from './explain.ts';
import type { Session } from './postgres-server.ts';
import {
  loadOrder, parseOrder, parseProductName, RELATIONAL_SCHEMA, renameProduct,
  saveOrder, type Db, type Order,
} from './relational-model.ts';

// #region document-schema
export const DOCUMENT_SCHEMA = `
  CREATE TABLE order_docs (
    id  text PRIMARY KEY,
    doc jsonb NOT NULL CHECK (jsonb_typeof(doc) = 'object')
  );
  CREATE INDEX order_docs_doc_idx ON order_docs
    USING gin (doc jsonb_path_ops);`;
// #endregion document-schema

// #region document-queries
/** The whole order is one value: one write, atomic on its own. */
export async function saveOrderDoc(db: Session, input: unknown)
  : Promise<void> {
  const order = parseOrder(input); // the only schema check there is
  await db.query('INSERT INTO order_docs (id, doc) VALUES ($1, $2)',
    [order.id, JSON.stringify(order)]);
}

/** One read by key, no join; parsed again, as documents drift. */
export async function loadOrderDoc(db: Session, orderId: string)
  : Promise<Order | undefined> {
  const { rows } = await db.query<{ doc: unknown }>(
    'SELECT doc FROM order_docs WHERE id = $1', [orderId]);
  return rows[0] ? parseOrder(rows[0].doc) : undefined;
}

/** Containment, `@>`: the query the GIN index answers. */
export async function ordersWithSku(db: Session, sku: string)
  : Promise<string[]> {
  const probe = JSON.stringify({ items: [{ sku }] });
  const { rows } = await db.query<{ id: string }>(`SELECT id
    FROM order_docs WHERE doc @> $1::jsonb ORDER BY id`, [probe]);
  return rows.map((r) => r.id);
}

/** Every embedded copy of the name must be found and rewritten. */
export async function renameProductDocs(db: Session, sku: string,
  name: string): Promise<number> {
  parseProductName(name); // or every rewritten document fails parseOrder
  const { affectedRows } = await db.query(`
    UPDATE order_docs SET doc = jsonb_set(doc, '{items}', (
      SELECT jsonb_agg(CASE WHEN item ->> 'sku' = $1
               THEN jsonb_set(item, '{name}', to_jsonb($2::text))
               ELSE item END ORDER BY n)
        FROM jsonb_array_elements(doc -> 'items')
             WITH ORDINALITY AS e(item, n)))
    WHERE doc @> $3::jsonb`,
  [sku, name, JSON.stringify({ items: [{ sku }] })]);
  return affectedRows ?? 0;
}
// #endregion document-queries

if (import.meta.main) {
  const db = await openDatabase();
  await db.exec(RELATIONAL_SCHEMA + DOCUMENT_SCHEMA);
  const order = (n: number, sku: string): Order => ({
    id: `ord_${n}`, customer: { id: 'cus_ada', name: 'Ada' },
    placedAt: '2026-12-01T09:00:00.000Z',
    items: [{ sku, name: 'Mug', qty: n, unitCents: 1200 }],
  });
  for (const n of [1, 2, 3]) {
    await saveOrder(db as Db, order(n, 'MUG-1'));
    await saveOrderDoc(db, order(n, 'MUG-1'));
  }
  const same = isDeepStrictEqual(await loadOrder(db, 'ord_2'),
    await loadOrderDoc(db, 'ord_2'));
  console.log(`ord_2 reads the same from both models: ${same}`);
  console.log(`rename MUG-1, relational: ${
    await renameProduct(db, 'MUG-1', 'Blue mug')} row updated`);
  console.log(`rename MUG-1, documents: ${
    await renameProductDocs(db, 'MUG-1', 'Blue mug')} documents rewritten`);
  await db.exec('SET enable_seqscan = off'); // three rows; pretend many
  const plan = await explain(db,
    `SELECT id FROM order_docs WHERE doc @> '{"items":[{"sku":"MUG-1"}]}'`);
  console.log(`@> plan: ${scans(plan).join(' <- ')}`);
  await db.close();
}
