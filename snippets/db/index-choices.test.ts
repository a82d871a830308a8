import type pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explain, nodes, scans, type PlanNode } from './explain.ts';
import {
  createIndexOnline, CUSTOMER_ORDERS, CUSTOMER_THEN_DATE, CUSTOMER_TOTAL,
  CUSTOMER_WITH_TOTAL, DATE_THEN_CUSTOMER, OLDEST_PENDING, PENDING_BY_DATE,
  RECENT_ORDERS, unusedIndexes,
} from './index-choices.ts';
import { ORDERS_SCHEMA, seedOrders } from './index-demo.ts';
import { waitsForLock, type Session } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const DROP_ALL = `DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexrelid::regclass AS name FROM pg_index
    WHERE indrelid = 'orders'::regclass AND NOT indisprimary
  LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP; END $$`;

const usesIndex = (plan: PlanNode, index: string) =>
  nodes(plan).some((n) => n.index === index);

describe('choosing an index (PGlite, one session)', () => {
  const db = useDatabase(ORDERS_SCHEMA, { reset: DROP_ALL });
  beforeAll(async () => { await seedOrders(db()); });

  it('(customer_id, created_at) serves the latest orders with no sort step', async () => {
    await db().exec(CUSTOMER_THEN_DATE);
    const plan = await explain(db(), RECENT_ORDERS, [42], { analyze: true });
    expect(scans(plan)).toEqual(['Index Scan using orders_customer_created_idx on orders']);
    expect(nodes(plan).map((n) => n.type)).not.toContain('Sort');
    const scan = nodes(plan).find((n) => n.type === 'Index Scan');
    expect(scan).toMatchObject({ actualRows: 20 }); // stopped after 20
    expect(scan?.indexCond).toMatch(/customer_id = 42/);
    expect(scan?.removedByFilter ?? 0).toBe(0);
  });

  it('the reverse order (created_at, customer_id) is not used to find a customer', async () => {
    await db().exec(DATE_THEN_CUSTOMER);
    const plan = await explain(db(), CUSTOMER_ORDERS, [42], { analyze: true });
    expect(plan).toMatchObject({ type: 'Seq Scan', actualRows: 100, removedByFilter: 19_900 });
    await db().exec(CUSTOMER_THEN_DATE);
    const right = await explain(db(), CUSTOMER_ORDERS, [42]);
    expect(usesIndex(right, 'orders_customer_created_idx')).toBe(true);
  });

  it('PostgreSQL 18 skip scan: a few-valued leading column can be skipped', async () => {
    await db().exec('CREATE INDEX orders_status_customer_idx ON orders (status, customer_id)');
    const plan = await explain(db(), CUSTOMER_ORDERS, [42], { analyze: true });
    const scan = nodes(plan).find((n) => n.index === 'orders_status_customer_idx');
    expect(scan?.indexCond).toMatch(/customer_id = 42/);
    // One descent per status value (3) and one to find there are no more.
    expect(scan?.indexSearches).toBe(4);
  });

  it('a partial index serves its predicate and nothing else', async () => {
    await db().exec(PENDING_BY_DATE);
    const pending = await explain(db(), OLDEST_PENDING, [], { analyze: true });
    expect(scans(pending)).toEqual(['Index Scan using orders_pending_idx on orders']);
    expect(pending.actualRows).toBe(100);
    const shipped = await explain(db(), OLDEST_PENDING.replace("'pending'", "'shipped'"));
    expect(usesIndex(shipped, 'orders_pending_idx')).toBe(false);
    await db().exec('CREATE INDEX orders_created_idx ON orders (created_at)');
    const { rows } = await db().query<{ partial: number; full: number }>(`SELECT
      pg_relation_size('orders_pending_idx')::int AS partial,
      pg_relation_size('orders_created_idx')::int AS full`);
    expect(rows[0]!.partial * 10).toBeLessThan(rows[0]!.full);
  });

  it('a covering index answers from the index alone, until rows change', async () => {
    await db().exec(CUSTOMER_WITH_TOTAL);
    const plan = await explain(db(), CUSTOMER_TOTAL, [42], { analyze: true });
    const scan = nodes(plan).find((n) => n.index === 'orders_customer_total_idx');
    expect(scan).toMatchObject({ type: 'Index Only Scan', actualRows: 100, heapFetches: 0 });
    // Changed pages are not all-visible until VACUUM: the scan checks the table.
    await db().query('UPDATE orders SET total_cents = total_cents + 1 WHERE customer_id = 42');
    const fetches = async () => nodes(await explain(db(), CUSTOMER_TOTAL, [42], { analyze: true }))
      .find((n) => n.type === 'Index Only Scan')?.heapFetches;
    expect(await fetches()).toBeGreaterThan(0);
    await db().exec('VACUUM orders');
    expect(await fetches()).toBe(0);
    await db().exec('DROP INDEX orders_customer_total_idx');
    await db().exec('CREATE INDEX orders_customer_idx ON orders (customer_id)');
    const plain = await explain(db(), CUSTOMER_TOTAL, [42]);
    expect(nodes(plain).map((n) => n.type)).not.toContain('Index Only Scan');
  });

  it('lists indexes no query used, never those that enforce a constraint', async () => {
    await db().exec(`${CUSTOMER_THEN_DATE}; ${PENDING_BY_DATE};
      CREATE UNIQUE INDEX orders_number_key ON orders (number);
      ALTER TABLE orders ADD CONSTRAINT orders_number_excl
        EXCLUDE USING btree (number WITH =)`);
    try {
      await db().query(RECENT_ORDERS, [7]); // a real run, not EXPLAIN
      await db().query('SELECT pg_stat_force_next_flush()');
      const unused = await unusedIndexes(db());
      expect(unused.map((u) => u.index)).toEqual(['orders_pending_idx']);
      expect(unused[0]).toMatchObject({ table: 'orders' });
      expect(unused[0]!.bytes).toBeGreaterThan(0);
    } finally {
      await db().exec('ALTER TABLE orders DROP CONSTRAINT orders_number_excl');
    }
  });

  it('CREATE INDEX CONCURRENTLY cannot run inside a transaction block (25001)', async () => {
    const attempt = db().transaction((tx) =>
      createIndexOnline(tx, 'orders_status_idx', 'ON orders (status)'));
    await expect(attempt).rejects.toMatchObject({ code: '25001' });
    expect(await indexValid(db(), 'orders_status_idx')).toBeUndefined();
  });

  it('drops the invalid index a failed build leaves, then reports the failure', async () => {
    await db().exec("UPDATE orders SET number = 'ord-000001' WHERE id = 2");
    try {
      await expect(createIndexOnline(db(), 'orders_number_key', 'ON orders (number)',
        { unique: true })).rejects.toMatchObject({ code: '23505' });
      expect(await indexValid(db(), 'orders_number_key')).toBeUndefined();
    } finally {
      await db().exec("UPDATE orders SET number = 'ord-000002' WHERE id = 2");
    }
    await createIndexOnline(db(), 'orders_number_key', 'ON orders (number)', { unique: true });
    expect(await indexValid(db(), 'orders_number_key')).toBe(true);
  });

  it('never drops an existing index that only shares the name', async () => {
    await db().exec(CUSTOMER_THEN_DATE);
    await expect(createIndexOnline(db(), 'orders_customer_created_idx', 'ON orders (status)'))
      .rejects.toMatchObject({ code: '42P07' });
    expect(await indexValid(db(), 'orders_customer_created_idx')).toBe(true);
  });

  it('refuses a name that is not a plain identifier, before running anything', async () => {
    for (const bad of ['', 'Orders_idx', 'x; DROP TABLE orders', 'a'.repeat(64), 'public.idx']) {
      await expect(createIndexOnline(db(), bad, 'ON orders (status)')).rejects.toThrow(RangeError);
    }
    expect((await db().query('SELECT 1 FROM orders LIMIT 1')).rows).toHaveLength(1);
  });
});

/** Resolves 'drop queued' once a DROP INDEX waits for a lock. */
async function dropQueued(db: Session, until: Promise<unknown>): Promise<string> {
  let done = false;
  void until.finally(() => { done = true; });
  while (!done) {
    const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND query LIKE 'DROP INDEX%'`);
    if (rows.length > 0) return 'drop queued';
    await new Promise((resolve) => setImmediate(resolve));
  }
  return 'settled';
}

async function indexValid(db: Session, name: string): Promise<boolean | undefined> {
  const { rows } = await db.query<{ valid: boolean }>(`SELECT indisvalid AS valid
    FROM pg_index WHERE indexrelid = to_regclass($1)`, [name]);
  return rows[0]?.valid;
}

// Several sessions (a real server): what each kind of build blocks.
describe('building an index while others write (real server)', () => {
  const { db, server } = useServerDatabase(`${ORDERS_SCHEMA};
    INSERT INTO orders (number, customer_id, status, created_at, total_cents)
    SELECT 'ord-' || i, i % 10, 'shipped', now(), 100 FROM generate_series(1, 1000) i`,
  { connections: 4, reset: `DELETE FROM orders WHERE number = 'new'; ${DROP_ALL}` });
  let clients: pg.PoolClient[] = [];
  const connect = async (): Promise<Session> => {
    const client = await server().pool(1).pool.connect();
    clients.push(client);
    return client as unknown as Session;
  };
  afterEach(() => {
    for (const c of clients) c.release(true);
    clients = [];
  });
  const insert = (s: Session) => s.query(`INSERT INTO orders
    (number, customer_id, status, created_at, total_cents)
    VALUES ('new', 1, 'pending', now(), 1)`);

  it('a plain CREATE INDEX blocks writes to the table until it commits', async () => {
    const [builder, writer] = [await connect(), await connect()];
    await builder.query('BEGIN');
    await builder.query('CREATE INDEX orders_status_idx ON orders (status)');
    const write = insert(writer);
    try {
      expect((await waitsForLock(db(), write)).join()).toMatch(/INSERT INTO orders/);
    } finally {
      await builder.query('COMMIT');
    }
    await write;
  });

  it('CREATE INDEX CONCURRENTLY lets writes through while it waits and builds', async () => {
    const [open, builder, writer] = [await connect(), await connect(), await connect()];
    await open.query('BEGIN');
    await insert(open); // an older writing transaction the build must wait out
    const build = createIndexOnline(builder, 'orders_status_idx', 'ON orders (status)');
    let built = false;
    void build.then(() => { built = true; }, () => {});
    try {
      // The build is waiting for `open`, as the documentation says it must.
      expect((await waitsForLock(db(), build)).join()).toMatch(/CONCURRENTLY/);
      // Meanwhile a new write goes through before the build is done.
      let timer: NodeJS.Timeout | undefined;
      const blocked = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the INSERT waited on the build')), 5_000);
      });
      await Promise.race([insert(writer), blocked]).finally(() => clearTimeout(timer));
      expect(built).toBe(false);
    } finally {
      await open.query('COMMIT');
    }
    await build;
    expect(await indexValid(db(), 'orders_status_idx')).toBe(true);
    const { rows } = await db().query(`SELECT count(*)::int AS n FROM orders
      WHERE status = 'pending'`);
    expect(rows).toEqual([{ n: 2 }]);
  });

  // The name is taken by another session's build, still INVALID because it
  // is still running (on another table, so nothing makes us wait for it).
  it.each([
    ['the name is taken', 'ON notes (x)', '42P07'],
    ['the statement is refused', 'ON notes (no_such_column)', '42703'],
  ])('never drops another build\'s index when %s (%s)', async (_, definition, code) => {
    await db().exec('CREATE TABLE IF NOT EXISTS notes (x int)');
    const [open, builder, other] = [await connect(), await connect(), await connect()];
    await open.query('BEGIN');
    await insert(open);
    const build = createIndexOnline(builder, 'orders_status_idx', 'ON orders (status)');
    try {
      expect((await waitsForLock(db(), build)).join()).toMatch(/CONCURRENTLY/);
      expect(await indexValid(db(), 'orders_status_idx')).toBe(false); // in progress
      const mine = createIndexOnline(other, 'orders_status_idx', definition)
        .catch((e: { code?: string }) => e);
      // Either our call fails at once, or it queues a DROP behind the build.
      const first = await Promise.race([mine, dropQueued(db(), mine)]);
      expect(first).toMatchObject({ code });
    } finally {
      await open.query('COMMIT');
    }
    await build;
    expect(await indexValid(db(), 'orders_status_idx')).toBe(true);
  });
});
