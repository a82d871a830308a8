/**
 * Internal to the orders module: its tables and SQL. The lines hold the
 * catalog's product id as a plain value: catalog's tables belong to
 * catalog, so there is no foreign key to them and no join with them.
 */

export interface Sql {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** A client that can also run several statements as one transaction. */
export interface Db extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

// #region tables
export const ORDERS_SCHEMA = `
  CREATE SCHEMA orders;
  CREATE TABLE orders.orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id text NOT NULL,
    total_cents bigint NOT NULL
  );
  CREATE TABLE orders.order_lines (
    order_id bigint NOT NULL REFERENCES orders.orders (id), -- same module
    line_no  integer NOT NULL,
    product_id text NOT NULL, -- catalog's id: checked via its API, no FK
    product_name     text NOT NULL,    -- a copy, as it was when ordered
    unit_price_cents integer NOT NULL, -- a copy, as it was when ordered
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, line_no)
  );
  CREATE INDEX ON orders.order_lines (product_id);`;
// #endregion tables

export interface LineRow {
  product_id: string;
  product_name: string;
  unit_price_cents: number;
  quantity: number;
}

export interface OrderRow {
  id: number;
  customer_id: string;
  total_cents: number;
  lines: LineRow[];
}

/** Inserts an order and its lines in one transaction; returns its id. */
export async function insertOrder(db: Db, customerId: string,
  lines: readonly LineRow[]): Promise<number> {
  const total = lines.reduce((t, l) => t + l.unit_price_cents * l.quantity, 0);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO orders.orders (customer_id, total_cents)
       VALUES ($1, $2) RETURNING id::int AS id`, [customerId, total]);
    const id = rows[0]!.id;
    for (const [i, l] of lines.entries()) {
      await tx.query(
        `INSERT INTO orders.order_lines (order_id, line_no, product_id,
           product_name, unit_price_cents, quantity)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, i + 1, l.product_id, l.product_name, l.unit_price_cents,
          l.quantity]);
    }
    return id;
  });
}

export async function selectOrder(sql: Sql,
  id: number): Promise<OrderRow | undefined> {
  const { rows } = await sql.query<Omit<OrderRow, 'lines'>>(
    `SELECT id::int AS id, customer_id, total_cents::float8 AS total_cents
     FROM orders.orders WHERE id = $1`, [id]);
  if (rows[0] === undefined) return undefined;
  const lines = await sql.query<LineRow>(
    `SELECT product_id, product_name, unit_price_cents, quantity
     FROM orders.order_lines WHERE order_id = $1 ORDER BY line_no`, [id]);
  return { ...rows[0], lines: lines.rows };
}
