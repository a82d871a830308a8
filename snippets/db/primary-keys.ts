/**
 * Three kinds of primary key side by side (Q9): a number the database
 * counts out (identity), a UUID anyone can mint (v7, time-ordered), and a
 * natural key that already exists in the world (an ISO 4217 code). Each
 * is unique and never null; PostgreSQL enforces that with a unique B-tree
 * index and reports a duplicate as SQLSTATE 23505, naming the constraint.
 * @see https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS
 */
import { violates } from './inbox-consumer.ts';
import type { Session } from './postgres-server.ts';

// #region schema
export const KEYS_SCHEMA = `
  -- Surrogate, numbered by the database. ALWAYS: no hand-picked ids.
  CREATE TABLE orders (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    placed_at timestamptz NOT NULL
  );
  -- Surrogate, time-ordered UUID: the app may also mint it (uuid-v7.ts).
  CREATE TABLE payments (
    id       uuid PRIMARY KEY DEFAULT uuidv7(),
    order_id bigint NOT NULL REFERENCES orders
  );
  -- Natural: a standard code that is stable, short and never reused.
  CREATE TABLE currencies (
    code char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name text NOT NULL UNIQUE     -- another key, but not the primary one
  );`;
// #endregion schema

// #region serial
/** The pre-identity way: a column default that anyone may override. */
export const SERIAL_SCHEMA = `
  CREATE TABLE legacy_orders (
    id        serial PRIMARY KEY,   -- int + sequence + DEFAULT nextval()
    placed_at timestamptz NOT NULL
  );`;
// #endregion serial

// #region duplicate
/** A row whose primary key is taken: the database said 23505. */
export class DuplicateKeyError extends Error {
  override name = 'DuplicateKeyError';
  readonly key: string;
  constructor(table: string, key: string) {
    super(`${table} already has a row with key ${key}`);
    this.key = key;
  }
}

export async function addCurrency(db: Session, code: string,
  name: string): Promise<void> {
  if (!/^[A-Z]{3}$/.test(code)) {
    throw new RangeError('currency code must be 3 capital letters');
  }
  try {
    await db.query('INSERT INTO currencies (code, name) VALUES ($1, $2)',
      [code, name]);
  } catch (err) {
    // 23505 on this table's key, and only that, means "exists already".
    if (violates(err, 'currencies_pkey')) {
      throw new DuplicateKeyError('currencies', code);
    }
    throw err;
  }
}
// #endregion duplicate

/** Inserts an order and returns the id the database gave it. */
export async function placeOrder(db: Session, at: Date): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO orders (placed_at) VALUES ($1) RETURNING id::text', [at]);
  return rows[0]!.id;
}

/** Inserts a payment; the database's uuidv7() default picks its id. */
export async function addPayment(db: Session, orderId: string)
  : Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO payments (order_id) VALUES ($1) RETURNING id', [orderId]);
  return rows[0]!.id;
}

/** The SQLSTATE and constraint of a database error, for the demo. */
export function describeError(err: unknown): string {
  const { code, constraint } = (err ?? {}) as
    { code?: string; constraint?: string };
  return constraint ? `${code} on ${constraint}` : `${code}`;
}

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(KEYS_SCHEMA + SERIAL_SCHEMA);
  const at = new Date(Date.UTC(2026, 11, 2, 9));
  const [first, second] = [await placeOrder(db, at), await placeOrder(db, at)];
  const payment = await addPayment(db, first);
  console.log(`orders get ids ${first} and ${second}; a payment gets a v`
    + `${payment[14]} UUID`);
  const attempts: [string, () => Promise<unknown>][] = [
    ['EUR twice', () => addCurrency(db, 'EUR', 'Euro')],
    ['EUX, also "Euro"', () => addCurrency(db, 'EUX', 'Euro')],
    ['order id 7 by hand', () => db.query(
      'INSERT INTO orders (id, placed_at) VALUES (7, $1)', [at])],
    ['legacy id 1 by hand', () => db.query(
      'INSERT INTO legacy_orders (id, placed_at) VALUES (1, $1)', [at])],
    ['legacy, next default', () => db.query(
      'INSERT INTO legacy_orders (placed_at) VALUES ($1)', [at])],
  ];
  await addCurrency(db, 'EUR', 'Euro');
  for (const [label, run] of attempts) {
    const outcome = await run().then(() => 'ok', (err: unknown) =>
      err instanceof DuplicateKeyError ? err.message : describeError(err));
    console.log(`${label.padEnd(21)} -> ${outcome}`);
  }
  await db.close();
}
