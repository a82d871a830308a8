/**
 * Internal to the catalog module: its tables and the SQL that touches
 * them. Nothing outside catalog/ imports this file; other modules call
 * the functions that catalog/index.ts exports.
 */

/** The part of a PostgreSQL client this module needs (PGlite or pg fit). */
export interface Sql {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** The catalog's migration: it owns the `catalog` schema and all in it. */
export const CATALOG_SCHEMA = `
  CREATE SCHEMA catalog;
  CREATE TABLE catalog.products (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    active      boolean NOT NULL DEFAULT true
  );`;

export interface ProductRow {
  id: string;
  name: string;
  price_cents: number;
  active: boolean;
}

export async function insertProduct(sql: Sql, row: ProductRow): Promise<void> {
  await sql.query(
    `INSERT INTO catalog.products (id, name, price_cents, active)
     VALUES ($1, $2, $3, $4)`,
    [row.id, row.name, row.price_cents, row.active]);
}

/** One query for any number of ids; ids that do not exist are left out. */
export async function selectProducts(sql: Sql,
  ids: readonly string[]): Promise<ProductRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql.query<ProductRow>(
    `SELECT id, name, price_cents, active FROM catalog.products
     WHERE id = ANY($1::text[]) ORDER BY id`, [ids]);
  return rows;
}

export async function updatePrice(sql: Sql, id: string,
  priceCents: number): Promise<boolean> {
  const { rows } = await sql.query(
    'UPDATE catalog.products SET price_cents = $2 WHERE id = $1 RETURNING id',
    [id, priceCents]);
  return rows.length === 1;
}

/** Products are retired, never deleted: orders elsewhere keep their ids. */
export async function retireProduct(sql: Sql, id: string): Promise<boolean> {
  const { rows } = await sql.query(
    'UPDATE catalog.products SET active = false WHERE id = $1 RETURNING id',
    [id]);
  return rows.length === 1;
}
