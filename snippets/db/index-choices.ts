/**
 * Which index a query needs, and how to add one to a live table: a
 * composite index in the right column order, a partial index, a covering
 * index, CREATE INDEX CONCURRENTLY with clean-up after a failed build, and
 * the statistics that show an index nobody uses.
 * @see https://www.postgresql.org/docs/current/indexes.html
 * @see https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
import { openDatabase } from './database.ts';
import { explain, nodes, scans } from './explain.ts';
import { ORDERS_SCHEMA, seedOrders } from './index-demo.ts';
import type { Session } from './postgres-server.ts';

// #region composite
/** A customer's latest orders: equality on one column, order by another. */
export const RECENT_ORDERS = `SELECT id, created_at, total_cents
  FROM orders WHERE customer_id = $1
  ORDER BY created_at DESC LIMIT 20`;

// Equality column first, then the sort column: the customer's entries sit
// together, already in date order. Read backward, stop after 20: no sort.
export const CUSTOMER_THEN_DATE = `CREATE INDEX orders_customer_created_idx
  ON orders (customer_id, created_at)`;

// The wrong order: sorted by date first, so one customer's entries are
// spread over the whole index and a lookup by customer cannot seek to them.
export const DATE_THEN_CUSTOMER = `CREATE INDEX orders_created_customer_idx
  ON orders (created_at, customer_id)`;
export const CUSTOMER_ORDERS = 'SELECT * FROM orders WHERE customer_id = $1';
// #endregion composite

// #region partial-covering
// Partial: only the 2% of rows the job reads, so it stays small, and
// writes to shipped orders never touch it.
export const PENDING_BY_DATE = `CREATE INDEX orders_pending_idx
  ON orders (created_at) WHERE status = 'pending'`;
export const OLDEST_PENDING = `SELECT id, created_at FROM orders
  WHERE status = 'pending' ORDER BY created_at LIMIT 100`;

// Covering: the key finds the rows, INCLUDE carries the column the query
// returns, so an index-only scan need not visit the table.
export const CUSTOMER_WITH_TOTAL = `CREATE INDEX orders_customer_total_idx
  ON orders (customer_id) INCLUDE (total_cents)`;
export const CUSTOMER_TOTAL = `SELECT sum(total_cents) AS total
  FROM orders WHERE customer_id = $1`;
// #endregion partial-covering

// #region online
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Builds an index while writes continue. Must run outside a transaction.
 * A failed build (a duplicate for a unique index, a cancel) leaves an
 * INVALID index that queries ignore but every write still updates: drop
 * it, then report the failure. `definition` comes from a migration, never
 * from a request.
 */
export async function createIndexOnline(db: Session, name: string,
  definition: string, { unique = false } = {}): Promise<void> {
  if (!NAME.test(name)) {
    throw new RangeError(`index name ${JSON.stringify(name)} is not a `
      + 'lowercase identifier of at most 63 characters');
  }
  const kind = unique ? 'UNIQUE INDEX' : 'INDEX';
  try {
    await db.query(`CREATE ${kind} CONCURRENTLY ${name} ${definition}`);
  } catch (error) {
    // Refused before building: inside a transaction block (25001), or the
    // statement itself (class 42: name taken, no such column). An INVALID
    // index of that name is then someone else's, maybe a build in progress.
    const code = (error as { code?: string }).code ?? '';
    if (code === '25001' || code.startsWith('42')) throw error;
    const { rows } = await db.query(`SELECT 1 FROM pg_index
      WHERE indexrelid = to_regclass($1) AND NOT indisvalid`, [name]);
    // Our build failed midway: the index it left is INVALID. A valid one
    // of that name is not ours either: leave it.
    if (rows.length > 0) {
      await db.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    }
    throw error;
  }
}
// #endregion online

// #region unused
export interface UnusedIndex { index: string; table: string; bytes: number }

/**
 * Indexes no query has scanned since statistics were last reset on this
 * server, largest first. Indexes that enforce a primary key, a unique or
 * an exclusion constraint are left out: they earn their keep on writes.
 */
export async function unusedIndexes(db: Session): Promise<UnusedIndex[]> {
  const { rows } = await db.query<UnusedIndex>(`
    SELECT s.indexrelname AS index, s.relname AS "table",
      pg_relation_size(s.indexrelid)::float8 AS bytes
    FROM pg_stat_user_indexes s JOIN pg_index i USING (indexrelid)
    WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT EXISTS
      (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
    ORDER BY bytes DESC, s.indexrelname`);
  return rows;
}
// #endregion unused

if (import.meta.main) {
  const db = await openDatabase();
  try {
    await db.exec(ORDERS_SCHEMA);
    await seedOrders(db);
    const show = async (label: string, ddl: string, sql: string,
      params: unknown[] = []) => {
      await db.exec(ddl);
      const plan = await explain(db, sql, params, { analyze: true });
      const fetches = nodes(plan).find((n) => n.heapFetches !== undefined);
      console.log(`${label}\n  ${scans(plan).join(', ')}${fetches
        ? `, heap fetches ${fetches.heapFetches}` : ''}`);
      await db.exec(`DROP INDEX ${/INDEX (\w+)/.exec(ddl)?.[1]}`);
    };
    await show('(created_at, customer_id), one customer\'s orders:',
      DATE_THEN_CUSTOMER, CUSTOMER_ORDERS, [42]);
    await show('(customer_id, created_at), the same query:',
      CUSTOMER_THEN_DATE, CUSTOMER_ORDERS, [42]);
    await show('(customer_id, created_at), latest 20 orders:',
      CUSTOMER_THEN_DATE, RECENT_ORDERS, [42]);
    await show('partial, WHERE status = \'pending\':',
      PENDING_BY_DATE, OLDEST_PENDING);
    await show('covering, INCLUDE (total_cents):',
      CUSTOMER_WITH_TOTAL, CUSTOMER_TOTAL, [42]);
    try {
      await db.transaction((tx) => createIndexOnline(tx, 'orders_status_idx',
        'ON orders (status)'));
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      console.log(`inside a transaction: ${code} ${message}`);
    }
  } finally {
    await db.close();
  }
}
