/**
 * What an index changes: the same lookup planned before and after
 * CREATE INDEX on a seeded orders table, read from EXPLAIN's JSON plan.
 * The seed is deterministic and the table is analyzed, so the planner
 * makes the same choice on every run.
 * @see https://www.postgresql.org/docs/current/indexes-intro.html
 */
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase } from './database.ts';
import { explain, scans, type Db, type PlanNode } from './explain.ts';

export const ORDERS_SCHEMA = `
CREATE TABLE orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number      text NOT NULL,
  customer_id int NOT NULL,
  status      text NOT NULL,
  created_at  timestamptz NOT NULL,
  total_cents int NOT NULL)`;

export const MAX_ORDERS = 200_000;

// #region seed
/**
 * `count` orders, the same on every run: 200 customers, one order every
 * 10 minutes from 2026-01-01, 2% pending, the rest shipped or cancelled.
 */
export async function seedOrders(db: PGlite, count = 20_000): Promise<void> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ORDERS) {
    throw new RangeError(`count must be an integer in 1..${MAX_ORDERS}`);
  }
  await db.query(`INSERT INTO orders
      (number, customer_id, status, created_at, total_cents)
    SELECT 'ord-' || lpad(i::text, 6, '0'),
      (i * 7919) % 200 + 1,
      CASE WHEN i % 50 = 0 THEN 'pending'
           WHEN i % 7 = 0 THEN 'cancelled' ELSE 'shipped' END,
      timestamptz '2026-01-01 00:00Z' + i * interval '10 minutes',
      (i * 37) % 10000 + 100
    FROM generate_series(1, $1::int) AS i`, [count]);
  // Statistics for the planner, and a visibility map for index-only scans.
  await db.exec('VACUUM ANALYZE orders');
}
// #endregion seed

// #region before-after
export const FIND_BY_NUMBER = 'SELECT * FROM orders WHERE number = $1';

/** One lookup by number, run without and then with an index. */
export async function beforeAndAfter(db: Db & PGlite, number: string)
  : Promise<{ before: PlanNode; after: PlanNode }> {
  const run = () => explain(db, FIND_BY_NUMBER, [number], { analyze: true });
  const before = await run();
  await db.exec('CREATE INDEX orders_number_idx ON orders (number)');
  const after = await run();
  return { before, after };
}
// #endregion before-after

/** Rows a scan read: the ones it kept plus the ones its filter threw away. */
export function rowsRead(scan: PlanNode): number {
  return (scan.actualRows ?? 0) + (scan.removedByFilter ?? 0);
}

if (import.meta.main) {
  const db = await openDatabase();
  try {
    await db.exec(ORDERS_SCHEMA);
    await seedOrders(db);
    const { before, after } = await beforeAndAfter(db, 'ord-004242');
    console.log("20,000 orders; WHERE number = 'ord-004242'");
    console.log(`without an index: ${scans(before).join(', ')}`);
    console.log(`  read ${rowsRead(before)} rows, kept ${before.actualRows}`);
    console.log(`with an index:    ${scans(after).join(', ')}`);
    console.log(`  read ${rowsRead(after)} row`);
    const most = await explain(db, 'SELECT * FROM orders WHERE number > $1',
      ['ord-000100']);
    console.log(`WHERE number > 'ord-000100' (19,900 rows match):`);
    console.log(`  ${scans(most).join(', ')}, index or not`);
  } finally {
    await db.close();
  }
}
