/**
 * Seeding on top of the schema that migrate.ts builds: reference data
 * (the plans every environment needs) upserted on every deploy, and demo
 * data (fake users and orders) for development and test only, generated
 * from a seeded PRNG so that every run produces the same rows.
 */
import { createHash } from 'node:crypto';
import { int, mulberry32, pick } from './seeded-random.ts';

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[] }>;
}

export class SeedRefusedError extends Error {}

// #region reference
export const PLANS = [
  { code: 'free', name: 'Free', monthlyCents: 0 },
  { code: 'team', name: 'Team', monthlyCents: 1_200 },
  { code: 'business', name: 'Business', monthlyCents: 4_900 },
] as const;

/** Inserts or corrects each plan; returns how many rows it wrote. */
export async function seedReference(db: Queryable,
  plans: readonly { code: string; name: string; monthlyCents: number }[]
  = PLANS): Promise<number> {
  const { rows } = await db.query(`
    INSERT INTO plans (code, name, monthly_cents)
    SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
    ON CONFLICT (code) DO UPDATE
      SET name = EXCLUDED.name, monthly_cents = EXCLUDED.monthly_cents
      WHERE (plans.name, plans.monthly_cents)
        IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.monthly_cents)
    RETURNING code`, [plans.map((p) => p.code), plans.map((p) => p.name),
    plans.map((p) => p.monthlyCents)]);
  return rows.length; // 0 on a re-run: unchanged rows are not rewritten
}
// #endregion reference

// #region guard
const DEMO_ENVIRONMENTS = new Set(['development', 'test']);

/** Fails closed: an unset or misspelled environment is refused too. */
export function assertDemoAllowed(environment: string | undefined): void {
  if (environment === undefined || !DEMO_ENVIRONMENTS.has(environment)) {
    throw new SeedRefusedError(`refusing demo data in environment `
      + `${JSON.stringify(environment ?? null)}: only development or test`);
  }
}
// #endregion guard

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia',
  'Donald', 'Frances', 'Leslie'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov',
  'Thompson', 'Perlman', 'Knuth', 'Allen', 'Lamport'];
const EPOCH = Date.UTC(2026, 0, 1); // fixed: never now(), or re-runs differ
const DAY = 86_400_000;

export interface DemoUser {
  email: string; name: string; plan: string; createdAt: string;
}
export interface DemoOrder {
  number: string; email: string; totalCents: number; placedAt: string;
}

// #region demo-data
/** The same seed gives the same users and orders, byte for byte. */
export function demoData(seed: number, users: number)
  : { users: DemoUser[]; orders: DemoOrder[] } {
  if (!Number.isInteger(users) || users < 0 || users > 10_000) {
    throw new RangeError(`users must be an integer in [0, 10000]: ${users}`);
  }
  const random = mulberry32(seed);
  const out = { users: [] as DemoUser[], orders: [] as DemoOrder[] };
  for (let i = 1; i <= users; i++) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    // The index keeps emails unique; example.com is reserved (RFC 2606).
    const email = `${first}.${last}.${i}@example.com`.toLowerCase();
    const joined = EPOCH + int(random, 0, 364) * DAY;
    out.users.push({ email, name: `${first} ${last}`,
      plan: pick(random, PLANS).code,
      createdAt: new Date(joined).toISOString() });
    for (let n = int(random, 0, 3); n > 0; n--) {
      out.orders.push({ number: `D-${1000 + out.orders.length}`, email,
        totalCents: int(random, 500, 50_000),
        placedAt: new Date(joined + int(random, 0, 30) * DAY).toISOString() });
    }
  }
  return out;
}
// #endregion demo-data

// #region seed-demo
export async function seedDemo(db: Queryable, environment: string | undefined,
  { seed, users }: { seed: number; users: number }): Promise<number> {
  assertDemoAllowed(environment); // before anything touches the database
  const data = demoData(seed, users);
  const u = await db.query(`
    INSERT INTO users (email, name, plan_code, created_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[],
      $4::timestamptz[])
    ON CONFLICT (email) DO NOTHING RETURNING id`,
  ['email', 'name', 'plan', 'createdAt'].map((k) =>
    data.users.map((x) => x[k as keyof DemoUser])));
  const o = await db.query(`
    INSERT INTO orders (number, user_id, total_cents, placed_at)
    SELECT d.number, u.id, d.total, d.placed
    FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[])
      AS d(number, email, total, placed)
    JOIN users u ON u.email = d.email
    ON CONFLICT (number) DO NOTHING RETURNING id`,
  ['number', 'email', 'totalCents', 'placedAt'].map((k) =>
    data.orders.map((x) => x[k as keyof DemoOrder])));
  return u.rows.length + o.rows.length; // rows inserted by this run
}
// #endregion seed-demo

// #region digest
const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/** A hash of every row, sorted by its text: equal digests, equal rows. */
export async function tableDigest(db: Queryable, table: string)
  : Promise<string> {
  if (!TABLE.test(table)) throw new TypeError(`not a table name: ${table}`);
  const { rows } = await db.query<{ row: string }>(
    `SELECT t::text AS row FROM ${table} t ORDER BY 1`);
  const hash = createHash('sha256');
  for (const { row } of rows) hash.update(`${row}\n`);
  return hash.digest('hex').slice(0, 16);
}
// #endregion digest

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const { loadMigrations, migrate, MIGRATIONS_DIR } =
    await import('./migrate.ts');
  const db = await openDatabase();
  await migrate(db, loadMigrations(MIGRATIONS_DIR));
  const digest = async () => (await Promise.all(
    ['plans', 'users', 'orders'].map((t) => tableDigest(db, t)))).join(' ');
  for (const run of [1, 2]) {
    const plans = await seedReference(db);
    const demo = await seedDemo(db, 'development', { seed: 42, users: 5 });
    console.log(`run ${run}: ${plans} plans and ${demo} demo rows written;`,
      `digest ${await digest()}`);
  }
  const { rows } = await db.query<{ email: string; plan_code: string }>(
    'SELECT email, plan_code FROM users ORDER BY id LIMIT 2');
  for (const r of rows) console.log(`  ${r.email} (${r.plan_code})`);
  await seedDemo(db, 'production', { seed: 42, users: 5 })
    .catch((e: Error) => console.log(e.message));
  await db.close();
}
