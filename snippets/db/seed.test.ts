import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, MIGRATIONS_DIR } from './migrate.ts';
import { waitsForLock } from './postgres-server.ts';
import {
  assertDemoAllowed, demoData, PLANS, SeedRefusedError, seedDemo, seedReference,
  tableDigest,
} from './seed.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const RESET = 'TRUNCATE plans, users, orders RESTART IDENTITY CASCADE';

describe('demoData', () => {
  it('gives the same rows for the same seed, and other rows for another', () => {
    expect(demoData(42, 20)).toEqual(demoData(42, 20));
    expect(demoData(43, 20)).not.toEqual(demoData(42, 20));
  });

  it('makes unique emails on a reserved domain and orders that point at a user', () => {
    const { users, orders } = demoData(7, 200);
    expect(new Set(users.map((u) => u.email)).size).toBe(200);
    expect(users.every((u) => u.email.endsWith('@example.com'))).toBe(true);
    const emails = new Set(users.map((u) => u.email));
    expect(orders.every((o) => emails.has(o.email))).toBe(true);
    expect(new Set(orders.map((o) => o.number)).size).toBe(orders.length);
    expect(users.every((u) => PLANS.some((p) => p.code === u.plan))).toBe(true);
  });

  it('gives these exact rows for seed 42 on any machine, on any day', () => {
    expect(demoData(42, 2)).toEqual({
      users: [
        { email: 'radia.liskov.1@example.com', name: 'Radia Liskov', plan: 'business', createdAt: '2026-11-08T00:00:00.000Z' },
        { email: 'ken.turing.2@example.com', name: 'Ken Turing', plan: 'business', createdAt: '2026-08-17T00:00:00.000Z' },
      ],
      orders: [{ number: 'D-1000', email: 'ken.turing.2@example.com', totalCents: 12_871, placedAt: '2026-09-13T00:00:00.000Z' }],
    });
  });

  it('does not depend on the clock', () => {
    const first = demoData(1, 5);
    const realNow = Date.now;
    Date.now = () => realNow() + 400 * 86_400_000;
    try {
      expect(demoData(1, 5)).toEqual(first);
    } finally {
      Date.now = realNow;
    }
  });

  it('refuses a bad count', () => {
    for (const bad of [-1, 1.5, 10_001, Number.NaN]) {
      expect(() => demoData(1, bad)).toThrow(RangeError);
    }
    expect(() => demoData(-1, 1)).toThrow(RangeError); // the seed, checked by the PRNG
  });
});

describe('assertDemoAllowed', () => {
  it('allows development and test only, and fails closed', () => {
    expect(() => assertDemoAllowed('development')).not.toThrow();
    expect(() => assertDemoAllowed('test')).not.toThrow();
    for (const env of ['production', 'prod', 'staging', 'Development', '', ' development', undefined]) {
      expect(() => assertDemoAllowed(env)).toThrow(SeedRefusedError);
    }
  });
});

describe('seeding a migrated database', () => {
  const db = useDatabase('SELECT 1');
  // The schema comes from the real migrations, as in every environment.
  beforeAll(async () => { await migrate(db(), loadMigrations(MIGRATIONS_DIR)); });
  beforeEach(async () => { await db().exec(RESET); });
  const digests = async () => Promise.all(['plans', 'users', 'orders'].map((t) => tableDigest(db(), t)));
  const xmins = async (table: string) =>
    (await db().query(`SELECT xmin::text AS x FROM ${table} ORDER BY 1`)).rows;

  it('inserts the plans, then changes nothing on a re-run, not even row versions', async () => {
    expect(await seedReference(db())).toBe(3);
    const [before, versions] = [await tableDigest(db(), 'plans'), await xmins('plans')];
    expect(await seedReference(db())).toBe(0);
    expect(await tableDigest(db(), 'plans')).toBe(before);
    expect(await xmins('plans')).toEqual(versions); // no row rewritten
  });

  it('corrects a changed plan and adds a new one, leaving the rest alone', async () => {
    await seedReference(db());
    const untouched = (await db().query("SELECT xmin::text AS x FROM plans WHERE code = 'free'")).rows;
    const next = [...PLANS.filter((p) => p.code !== 'team'),
      { code: 'team', name: 'Team', monthlyCents: 1_500 },
      { code: 'enterprise', name: 'Enterprise', monthlyCents: 9_900 }];
    expect(await seedReference(db(), next)).toBe(2);
    expect((await db().query("SELECT monthly_cents FROM plans WHERE code = 'team'")).rows)
      .toEqual([{ monthly_cents: 1_500 }]);
    expect((await db().query("SELECT xmin::text AS x FROM plans WHERE code = 'free'")).rows).toEqual(untouched);
  });

  it('treats seed values as data, not SQL', async () => {
    const hostile = { code: "x'); DROP TABLE users; --", name: 'Robert"); --', monthlyCents: 1 };
    expect(await seedReference(db(), [hostile])).toBe(1);
    expect((await db().query('SELECT name FROM plans')).rows).toEqual([{ name: hostile.name }]);
    expect((await db().query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
  });

  it('seeds demo data once: a re-run writes nothing and every table digest stays the same', async () => {
    await seedReference(db());
    const written = await seedDemo(db(), 'development', { seed: 42, users: 25 });
    const data = demoData(42, 25);
    expect(written).toBe(data.users.length + data.orders.length);
    const before = await digests();
    expect(await seedReference(db())).toBe(0);
    expect(await seedDemo(db(), 'development', { seed: 42, users: 25 })).toBe(0);
    expect(await digests()).toEqual(before);
    // ON CONFLICT drew identity values for the skipped rows: the next id has a gap.
    const { rows: [next] } = await db().query<{ id: number }>(
      "INSERT INTO users (email, name, plan_code) VALUES ('new@example.com', 'New', 'free') RETURNING id::int");
    expect(next?.id).toBe(2 * data.users.length + 1);
  });

  it('builds the same database from the same seed, run after run', async () => {
    await seedReference(db());
    await seedDemo(db(), 'test', { seed: 9, users: 10 });
    const first = await digests();
    await db().exec(RESET);
    await seedReference(db());
    await seedDemo(db(), 'test', { seed: 9, users: 10 });
    expect(await digests()).toEqual(first);
  });

  it('refuses production before writing anything', async () => {
    await seedReference(db());
    const before = await digests();
    await expect(seedDemo(db(), 'production', { seed: 1, users: 5 })).rejects.toThrow(SeedRefusedError);
    await expect(seedDemo(db(), undefined, { seed: 1, users: 5 })).rejects.toThrow(/"null"|null/);
    expect(await digests()).toEqual(before);
  });

  it('digests rows, not the order they were stored in', async () => {
    await db().exec(`CREATE TEMP TABLE a (k int, v text); CREATE TEMP TABLE b (k int, v text);
      INSERT INTO a VALUES (1, 'x'), (2, 'y'); INSERT INTO b VALUES (2, 'y'), (1, 'x')`);
    expect(await tableDigest(db(), 'a')).toBe(await tableDigest(db(), 'b'));
    await db().exec("UPDATE b SET v = 'z' WHERE k = 2");
    expect(await tableDigest(db(), 'a')).not.toBe(await tableDigest(db(), 'b'));
  });

  it('refuses a table name that is not an identifier', async () => {
    await expect(tableDigest(db(), 'users; DROP TABLE plans')).rejects.toThrow(TypeError);
    await expect(tableDigest(db(), 'Users')).rejects.toThrow(TypeError);
  });
});

// Two deploys seeding at once need two sessions: a real server.
describe('two deploys seeding reference data at once', () => {
  const { db } = useServerDatabase('SELECT 1', { connections: 4, reset: RESET });
  beforeAll(async () => {
    const client = await db().pool.connect();
    try {
      await migrate({
        query: async <R,>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as R[] }),
        exec: (sql) => client.query(sql),
      }, loadMigrations(MIGRATIONS_DIR));
    } finally {
      client.release();
    }
  });

  // A's transaction has written the plans but not committed when B starts.
  async function race(seed: (db: Parameters<typeof seedReference>[0]) => Promise<number>) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let written!: () => void;
    const aWrote = new Promise<void>((resolve) => { written = resolve; });
    const runA = db().transaction(async (tx) => { const n = await seed(tx); written(); await gate; return n; });
    try {
      await aWrote;
      const runB = seed(db());
      const waited = await waitsForLock(db(), runB);
      release();
      return { a: await runA, b: await runB.catch((e: Error) => e), waited };
    } finally {
      release();
      await runA.catch(() => {});
    }
  }

  it('the upsert waits for the first deploy, then writes nothing', async () => {
    const { a, b, waited } = await race((q) => seedReference(q));
    expect(waited.join()).toMatch(/INSERT INTO plans/);
    expect([a, b]).toEqual([3, 0]);
    expect((await db().query('SELECT count(*)::int AS n FROM plans')).rows).toEqual([{ n: 3 }]);
  });

  it('count-then-insert does not: both deploys see "missing" and the second fails', async () => {
    const naive = async (q: Parameters<typeof seedReference>[0]) => (await q.query(`
      INSERT INTO plans (code, name, monthly_cents)
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS p(code, name, cents)
      WHERE NOT EXISTS (SELECT 1 FROM plans WHERE plans.code = p.code) RETURNING code`,
    [PLANS.map((p) => p.code), PLANS.map((p) => p.name), PLANS.map((p) => p.monthlyCents)])).rows.length;
    const { a, b } = await race(naive);
    expect(a).toBe(3);
    expect(String(b)).toMatch(/duplicate key value violates unique constraint "plans_pkey"/);
  });
});
