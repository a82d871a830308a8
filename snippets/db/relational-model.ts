/**
 * One feature, orders with their line items, stored relationally: a table
 * per entity, foreign keys between them, and constraints the database
 * enforces on every write. document-model.ts stores the same orders as
 * JSONB documents, so the two can be compared query by query.
 *
 * The input is validated here too (orderSchema), because a clear 400 beats
 * a constraint error; but the constraints hold even for code that skips it.
 * @see https://www.postgresql.org/docs/current/ddl-constraints.html
 */
import { z } from 'zod';
import type { Session } from './postgres-server.ts';

/** PGlite or a `pg` pool wrapped by poolDb: queries and transactions. */
export interface Db extends Session {
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
}

const id = (prefix: string) => z.string()
  .regex(new RegExp(`^${prefix}_[a-z0-9]{1,32}$`),
    `must look like ${prefix}_ followed by 1-32 of a-z, 0-9`);

const productName = z.string().min(1).max(200);

/** An order as the API receives it and as a document stores it. */
export const orderSchema = z.strictObject({
  id: id('ord'),
  customer: z.strictObject({ id: id('cus'), name: z.string().min(1).max(200) }),
  // Stored and returned as UTC with milliseconds, whatever offset came in.
  placedAt: z.iso.datetime({ offset: true })
    .transform((s) => new Date(s).toISOString()),
  items: z.array(z.strictObject({
    sku: z.string().regex(/^[A-Z0-9-]{1,40}$/, 'must be 1-40 of A-Z, 0-9, -'),
    name: productName,
    qty: z.int().min(1).max(1000),
    unitCents: z.int().min(0).max(100_000_000),
  })).min(1).max(100),
});
export type Order = z.infer<typeof orderSchema>;

/** Parses untrusted input; throws a TypeError naming each bad field. */
export function parseOrder(input: unknown): Order {
  const result = orderSchema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues
    .map((i) => `${i.path.join('.') || '(order)'}: ${i.message}`);
  throw new TypeError(`invalid order: ${fields.join('; ')}`);
}

/** A product name as orderSchema accepts it; throws a TypeError if not. */
export function parseProductName(name: unknown): string {
  const result = productName.safeParse(name);
  if (result.success) return result.data;
  throw new TypeError(`invalid product name: ${result.error.issues[0]?.message}`);
}

// #region relational-schema
export const RELATIONAL_SCHEMA = `
  CREATE TABLE customers (id text PRIMARY KEY, name text NOT NULL);
  CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL);
  CREATE TABLE orders (
    id          text PRIMARY KEY,
    customer_id text NOT NULL REFERENCES customers,
    placed_at   timestamptz NOT NULL
  );
  CREATE TABLE order_items (
    order_id   text NOT NULL REFERENCES orders ON DELETE CASCADE,
    line       int  NOT NULL,
    sku        text NOT NULL REFERENCES products,
    qty        int  NOT NULL CHECK (qty > 0),
    unit_cents int  NOT NULL CHECK (unit_cents >= 0),
    PRIMARY KEY (order_id, line)
  );
  CREATE INDEX order_items_sku_idx ON order_items (sku);`;
// #endregion relational-schema

/** Stores a new order and its items in one transaction: all or nothing. */
export async function saveOrder(db: Db, input: unknown): Promise<void> {
  const order = parseOrder(input);
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO customers (id, name) VALUES ($1, $2)
      ON CONFLICT (id) DO NOTHING`, [order.customer.id, order.customer.name]);
    await tx.query(`INSERT INTO orders (id, customer_id, placed_at)
      VALUES ($1, $2, $3)`, [order.id, order.customer.id, order.placedAt]);
    for (const [line, item] of order.items.entries()) {
      await tx.query(`INSERT INTO products (sku, name) VALUES ($1, $2)
        ON CONFLICT (sku) DO NOTHING`, [item.sku, item.name]);
      await tx.query(`INSERT INTO order_items
        (order_id, line, sku, qty, unit_cents) VALUES ($1, $2, $3, $4, $5)`,
      [order.id, line + 1, item.sku, item.qty, item.unitCents]);
    }
  });
}

// #region relational-queries
/** One order, reassembled from three tables by a join. */
export async function loadOrder(db: Session, orderId: string)
  : Promise<Order | undefined> {
  const { rows } = await db.query<{ id: string; customer_id: string;
    customer: string; placed_at: string; sku: string; name: string;
    qty: number; unit_cents: number }>(`
    SELECT o.id, o.customer_id, c.name AS customer,
           to_char(o.placed_at AT TIME ZONE 'UTC',
             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS placed_at,
           i.sku, p.name, i.qty, i.unit_cents
      FROM orders o
      JOIN customers c ON c.id = o.customer_id
      JOIN order_items i ON i.order_id = o.id
      JOIN products p ON p.sku = i.sku
     WHERE o.id = $1
     ORDER BY i.line`, [orderId]);
  const [first] = rows;
  if (!first) return undefined;
  return {
    id: first.id,
    customer: { id: first.customer_id, name: first.customer },
    placedAt: first.placed_at,
    items: rows.map((r) => ({ sku: r.sku, name: r.name, qty: r.qty,
      unitCents: r.unit_cents })),
  };
}

/** A question across all orders: one indexed aggregate. */
export async function unitsSold(db: Session, sku: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT
    coalesce(sum(qty), 0)::int AS n FROM order_items WHERE sku = $1`, [sku]);
  return rows[0]?.n ?? 0;
}

/** The name lives in one row, so renaming touches one row. */
export async function renameProduct(db: Session, sku: string, name: string)
  : Promise<number> {
  const { affectedRows } = await db.query(
    'UPDATE products SET name = $2 WHERE sku = $1',
    [sku, parseProductName(name)]);
  return affectedRows ?? 0;
}
// #endregion relational-queries
