/**
 * The lost update, and the two ways to stop it inside the database.
 *
 * Read a value, decide in application code, write the result back: two
 * requests that do this at once both read the same value, and the second
 * write erases the first. A transaction alone does not help at PostgreSQL's
 * default level, Read Committed. `SELECT … FOR UPDATE` makes the second
 * reader wait for the first to commit; a single `UPDATE` that computes the
 * new value from the row itself needs no read at all.
 * @see https://www.postgresql.org/docs/current/transaction-iso.html
 * @see https://www.postgresql.org/docs/current/explicit-locking.html
 */
import type { Session } from './postgres-server.ts';

export const PRODUCTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS products (
  sku text PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  stock int NOT NULL CHECK (stock >= 0),
  version int NOT NULL DEFAULT 1
);`;

/** PGlite, or a pool from postgres-server.ts: both run a transaction. */
export interface Db extends Session {
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
}

/** Decides the new stock from the current one; may await other work. */
export type Change = (stock: number) => number | Promise<number>;

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

const SKU = /^[A-Za-z0-9-]{1,64}$/;
export function checkSku(sku: string): string {
  if (!SKU.test(sku)) throw new TypeError('sku must be 1-64 of A-Z a-z 0-9 -');
  return sku;
}

function checkStock(stock: number): number {
  if (!Number.isSafeInteger(stock) || stock < 0 || stock > 2 ** 31 - 1) {
    throw new RangeError(`stock must be an int from 0 to 2^31-1, got ${stock}`);
  }
  return stock;
}

async function readStock(tx: Session, sku: string, lock: string) {
  const { rows: [row] } = await tx.query<{ stock: number }>(
    `SELECT stock FROM products WHERE sku = $1 ${lock}`, [checkSku(sku)]);
  if (!row) throw new NotFoundError(`no product ${sku}`);
  return row.stock;
}

// #region unsafe
/** Read, decide, write back: concurrent calls lose each other's writes. */
export function updateStockUnsafe(db: Db, sku: string, change: Change) {
  return db.transaction(async (tx) => {
    const stock = await readStock(tx, sku, '');
    const next = checkStock(await change(stock));
    await tx.query('UPDATE products SET stock = $2 WHERE sku = $1',
      [sku, next]);
    return next;
  });
}
// #endregion unsafe

// #region for-update
/** The same, but the read locks the row until this transaction ends. */
export function updateStockLocked(db: Db, sku: string, change: Change) {
  return db.transaction(async (tx) => {
    const stock = await readStock(tx, sku, 'FOR UPDATE');
    const next = checkStock(await change(stock));
    await tx.query('UPDATE products SET stock = $2 WHERE sku = $1',
      [sku, next]);
    return next;
  });
}
// #endregion for-update

// #region atomic
/**
 * One statement: the database reads, checks and writes the row under its
 * lock. Returns the stock left, or undefined when there was not enough.
 */
export async function reserve(db: Session, sku: string, quantity: number)
  : Promise<number | undefined> {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > 10_000) {
    throw new RangeError(`quantity must be 1-10000, got ${quantity}`);
  }
  const { rows: [row] } = await db.query<{ stock: number }>(
    `UPDATE products SET stock = stock - $2
     WHERE sku = $1 AND stock >= $2 RETURNING stock`,
    [checkSku(sku), quantity]);
  return row?.stock;
}
// #endregion atomic

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(PRODUCTS_SCHEMA);
  await db.query(`INSERT INTO products (sku, name, stock)
    VALUES ('mug', 'Mug', 10)`);
  console.log('stock 10; reserve 4, then 7, then 6:');
  for (const quantity of [4, 7, 6]) {
    const left = await reserve(db, 'mug', quantity);
    console.log(`  reserve ${quantity}:`,
      left === undefined ? 'refused, not enough' : `ok, ${left} left`);
  }
  await db.close();
}
