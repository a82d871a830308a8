/**
 * A row is one record (one product); a column is one attribute that every
 * record has (every product's price). Q8 shows the same data both ways,
 * the two kinds of question (one row, all columns vs one column, all
 * rows), and why adding a column to a PostgreSQL table is cheap or not.
 * It builds on Q7's products table (table-basics.ts).
 */
import type { Queryable } from './table-basics.ts';

export type Value = string | number | boolean | null;

// #region layouts
/**
 * Row layout: each record's values stored together, as PostgreSQL's heap
 * does. Column layout: each column's values stored together, as ClickHouse
 * and DuckDB do. Same data; a different question is cheap in each.
 */
export function toColumns(columns: readonly string[],
  rows: readonly Readonly<Record<string, Value>>[]): Record<string, Value[]> {
  if (columns.length === 0 || new Set(columns).size !== columns.length) {
    throw new TypeError('columns must be a non-empty list of unique names');
  }
  const out: Record<string, Value[]> = Object.create(null);
  for (const name of columns) out[name] = [];
  rows.forEach((row, i) => {
    const keys = Object.keys(row);
    if (keys.length !== columns.length || !keys.every((k) => k in out)) {
      throw new TypeError(`row ${i} does not have exactly the columns `
        + columns.join(', '));
    }
    for (const name of columns) out[name]!.push(row[name]!);
  });
  return out;
}
// #endregion layouts

/** The inverse of toColumns: every column must have one value per row. */
export function toRows(columns: Readonly<Record<string, readonly Value[]>>)
  : Record<string, Value>[] {
  const names = Object.keys(columns);
  const count = names.length === 0 ? 0 : columns[names[0]!]!.length;
  if (names.some((n) => columns[n]!.length !== count)) {
    throw new TypeError('every column must hold the same number of values');
  }
  return Array.from({ length: count }, (_, i) =>
    Object.fromEntries(names.map((n) => [n, columns[n]![i]!])));
}

// #region select
/** A column question: two columns of every row. */
export async function priceList(db: Queryable) {
  const { rows } = await db.query<{ sku: string; price_cents: number }>(
    'SELECT sku, price_cents FROM products ORDER BY sku');
  return rows;
}

/** A row question: one row, the columns the caller needs, by name. */
export async function productBySku(db: Queryable, sku: string) {
  const { rows } = await db.query<{ sku: string; name: string;
    price_cents: number; stock: number }>(
    `SELECT sku, name, price_cents, stock
     FROM products WHERE sku = $1`, [sku]);
  return rows[0];
}
// #endregion select

export interface Transactional {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

// #region add-column
/**
 * Runs one ALTER TABLE (trusted migration SQL, never user input) and
 * reports whether PostgreSQL rewrote the table: a rewrite gives the table
 * a new data file, so its filenode changes. lock_timeout makes the ALTER
 * give up, rather than queue every later query behind it, when a long
 * transaction holds the table.
 */
export async function alterTable(db: Transactional, table: string,
  ddl: string, { lockTimeoutMs = 2_000 } = {}): Promise<{ rewrote: boolean }> {
  if (!/^ALTER TABLE\s/i.test(ddl)) throw new TypeError('not an ALTER TABLE');
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1
    || lockTimeoutMs > 60_000) {
    throw new RangeError('lockTimeoutMs must be an integer from 1 to 60000');
  }
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('lock_timeout', $1, true)`,
      [`${lockTimeoutMs}ms`]);
    const file = async () => (await tx.query<{ node: string | null }>(
      'SELECT pg_relation_filenode($1::regclass)::text AS node', [table],
    )).rows[0]!.node;
    const before = await file();
    if (before === null) throw new TypeError(`${table} has no data file`);
    await tx.query(ddl);
    return { rewrote: (await file()) !== before };
  });
}
// #endregion add-column

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const { PRODUCTS } = await import('./table-basics.ts');
  const db = await openDatabase();
  await db.exec(`${PRODUCTS};
    INSERT INTO products (sku, name, price_cents, stock) VALUES
      ('MUG-1', 'Mug', 900, 12), ('PEN-1', 'Pen', 150, 40),
      ('CAP-1', 'Cap', 1500, 0)`);
  const rows = await priceList(db);
  console.log('as rows:   ', JSON.stringify(rows));
  const columns = toColumns(['sku', 'price_cents'], rows);
  console.log('as columns:', JSON.stringify(columns));
  console.log('one row:   ', JSON.stringify(await productBySku(db, 'PEN-1')));

  for (const ddl of [
    `ALTER TABLE products ADD COLUMN status text NOT NULL DEFAULT 'active'`,
    'ALTER TABLE products ADD COLUMN added_at timestamptz DEFAULT now()',
    'ALTER TABLE products ADD COLUMN seen_at timestamptz'
      + ' DEFAULT clock_timestamp()',
  ]) {
    const { rewrote } = await alterTable(db, 'products', ddl);
    console.log(`${rewrote ? 'rewrote ' : 'metadata'}  ${ddl.slice(12)}`);
  }
  const { rows: [stats] } = await db.query<{ n: number; added: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT added_at)::int AS added
     FROM products`);
  console.log(`${stats!.n} old rows share ${stats!.added} added_at value`);
  const { rows: all } = await db.query('SELECT * FROM products LIMIT 1');
  console.log(`SELECT * now returns ${Object.keys(all[0]!).length} columns;`
    + ` priceList still ${Object.keys((await priceList(db))[0]!).length}`);
  await db.close();
}
