/**
 * A table is a named set of rows that all have the same typed columns. The
 * table definition is also a contract: types, NOT NULL, CHECK and defaults
 * make PostgreSQL refuse a bad row whichever code path sends it, and say
 * which rule it broke with a SQLSTATE. Q7 shows this; Q8 builds on it.
 */
import { sqlState, type SqlState } from './sqlstate.ts';

/** What the snippets need from PGlite or a `pg` pool. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[] }>;
}

// #region create-table
export const PRODUCTS = String.raw`
CREATE TABLE products (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku         varchar(12) NOT NULL UNIQUE,
  name        text NOT NULL,
  price_cents integer NOT NULL,
  stock       integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT name_not_blank CHECK (name ~ ('[^[:space:]\u0085\u00a0\u1680'
    || '\u2000-\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]')),
  CONSTRAINT name_length CHECK (char_length(name) <= 200),
  CONSTRAINT price_not_negative CHECK (price_cents >= 0),
  CONSTRAINT stock_not_negative CHECK (stock >= 0)
)`;
// #endregion create-table

export interface Product {
  id: number | string; // bigint: a string from `pg`, a number from PGlite
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
  created_at: Date;
}

// #region insert
/** The columns a client may set; the rest come from their defaults. */
const WRITABLE = ['sku', 'name', 'price_cents', 'stock'] as const;

export type Insert =
  | { ok: true; product: Product }
  | { ok: false; rejected: SqlState };

/**
 * Inserts one product. Keys left out get the column's DEFAULT; a row the
 * table refuses (classes 22 and 23: bad data, broken constraint) comes back
 * as its SQLSTATE. Anything else (a lost connection) is thrown.
 */
export async function insertProduct(db: Queryable,
  input: Readonly<Record<string, unknown>>): Promise<Insert> {
  const unknown = Object.keys(input).filter(
    (key) => !(WRITABLE as readonly string[]).includes(key));
  if (unknown.length > 0) { // client keys: quote a few, escaped, cut short
    const shown = unknown.slice(0, 3)
      .map((k) => JSON.stringify(k.slice(0, 40)));
    const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : '';
    throw new TypeError(`not a writable column: ${shown.join(', ')}${more}`);
  }
  const columns = WRITABLE.filter((c) => Object.hasOwn(input, c));
  const values = columns.map((c) => input[c]);
  const sql = columns.length === 0
    ? 'INSERT INTO products DEFAULT VALUES RETURNING *'
    : `INSERT INTO products (${columns.join(', ')})
       VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
       RETURNING *`;
  try {
    const { rows } = await db.query<Product>(sql, values);
    return { ok: true, product: rows[0]! };
  } catch (error) {
    const state = sqlState(error);
    const badRow = state !== undefined && /^2[23]/.test(state.code);
    if (badRow) return { ok: false, rejected: state };
    throw error;
  }
}
// #endregion insert

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(PRODUCTS);
  const attempts: [string, Record<string, unknown>][] = [
    ['a good row', { sku: 'MUG-1', name: 'Mug', price_cents: 900 }],
    ['no name', { sku: 'MUG-2', price_cents: 900 }],
    ['stock: null', { sku: 'MUG-3', name: 'Mug', price_cents: 900, stock: null }],
    ['blank name', { sku: 'MUG-4', name: '  ', price_cents: 900 }],
    ['negative price', { sku: 'MUG-5', name: 'Mug', price_cents: -1 }],
    ['price "9.00"', { sku: 'MUG-6', name: 'Mug', price_cents: '9.00' }],
    ['14-char sku', { sku: 'MUG-0000000007', name: 'Mug', price_cents: 1 }],
    ['same sku again', { sku: 'MUG-1', name: 'Cup', price_cents: 700 }],
  ];
  for (const [label, row] of attempts) {
    const result = await insertProduct(db, row);
    if (result.ok) {
      const { id, stock, created_at } = result.product;
      console.log(`${label.padEnd(15)} inserted id ${id}, stock ${stock}`
        + ` (default), created_at set: ${created_at instanceof Date}`);
    } else {
      const { code, condition, constraint, column } = result.rejected;
      console.log(`${label.padEnd(15)} ${code} ${condition}`
        + ` ${constraint ?? column ?? ''}`.trimEnd());
    }
  }
  await db.close();
}
