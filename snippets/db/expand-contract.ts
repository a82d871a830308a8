/**
 * Expand/contract (parallel change) for one column, `price numeric` to
 * `price_cents bigint`, with four app versions that run side by side
 * during rolling deploys.
 *
 * The API is small on purpose, so other answers can reuse it:
 *   - `App`: one deployed version (how it writes and reads a product);
 *   - `Phase`: a schema step, and the versions that may serve traffic
 *     while it is applied and until the next one;
 *   - `applyPhase(db, phase, sleep)`: runs its DDL, one statement per
 *     transaction with a lock timeout, or its backfill (backfill.ts);
 *   - `crossCheck(db, apps, truth)`: every app writes, every app reads
 *     every row; returns what went wrong, [] when they all agree.
 */
import {
  CHECKPOINT_SCHEMA, runBackfill, type BackfillSpec, type Db, type Queryable,
} from './backfill.ts';

export interface Product { sku: string; priceCents: number }
export interface App {
  version: string;
  save(db: Queryable, p: Product): Promise<void>;
  load(db: Queryable, sku: string): Promise<number | null | undefined>;
}

export const BASE_SCHEMA = `${CHECKPOINT_SCHEMA};
CREATE TABLE products (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku   text NOT NULL UNIQUE,
  price numeric(10,2) NOT NULL)`;

const first = (r: { rows: { c: string | null }[] }) =>
  r.rows.length === 0 ? undefined : r.rows[0]!.c === null ? null
    : Number(r.rows[0]!.c);
type Cell = { c: string | null };
const readPrice = (db: Queryable, sku: string) => db.query<Cell>(
  'SELECT (price * 100)::bigint::text AS c FROM products WHERE sku = $1',
  [sku]).then(first);
const readCents = (db: Queryable, sku: string) => db.query<Cell>(
  'SELECT price_cents::text AS c FROM products WHERE sku = $1',
  [sku]).then(first);

// #region apps
const writeOld = `INSERT INTO products (sku, price) VALUES ($1, $2 / 100.0)
  ON CONFLICT (sku) DO UPDATE SET price = excluded.price`;
const writeBoth = `INSERT INTO products (sku, price, price_cents)
  VALUES ($1, $2 / 100.0, $2) ON CONFLICT (sku) DO UPDATE
  SET price = excluded.price, price_cents = excluded.price_cents`;
const writeNew = `INSERT INTO products (sku, price_cents) VALUES ($1, $2)
  ON CONFLICT (sku) DO UPDATE SET price_cents = excluded.price_cents`;
const saver = (sql: string) => async (db: Queryable, p: Product) => {
  await db.query(sql, [p.sku, p.priceCents]);
};

export const v1: App = { version: 'v1', // before the change
  save: saver(writeOld), load: readPrice };
export const v2: App = { version: 'v2', // writes both, reads old
  save: saver(writeBoth), load: readPrice };
export const v3: App = { version: 'v3', // writes both, reads new
  save: saver(writeBoth), load: readCents };
export const v4: App = { version: 'v4', // new column only
  save: saver(writeNew), load: readCents };
// #endregion apps

// #region phases
export interface Phase {
  name: string;
  ddl?: string[];
  backfill?: BackfillSpec;
  runs: readonly App[]; // may serve traffic during this phase
}

export const PHASES: readonly Phase[] = [
  { name: 'start', runs: [v1] },
  { name: 'expand', runs: [v1, v2], // then roll out v2
    ddl: [`ALTER TABLE products
      ADD COLUMN IF NOT EXISTS price_cents bigint`] },
  { name: 'backfill', runs: [v2], // only once no v1 is left
    backfill: { job: 'products.price_cents', table: 'products', key: 'id',
      set: 'price_cents = round(price * 100)',
      // Not just NULLs: a v1 still running in "expand" may have changed a
      // price after v2 wrote its cents.
      pending: 'price_cents IS DISTINCT FROM round(price * 100)' } },
  { name: 'switch reads', runs: [v2, v3], // then roll out v3
    ddl: [`ALTER TABLE products DROP CONSTRAINT IF EXISTS price_cents_set,
      ADD CONSTRAINT price_cents_set CHECK (price_cents IS NOT NULL)
      NOT VALID`, // no scan: a brief exclusive lock, then commit
    'ALTER TABLE products VALIDATE CONSTRAINT price_cents_set'] },
  { name: 'stop old writes', runs: [v3, v4], // then roll out v4
    ddl: ['ALTER TABLE products ALTER COLUMN price DROP NOT NULL'] },
  { name: 'contract', runs: [v4], // only once no v3 is left
    ddl: ['ALTER TABLE products DROP COLUMN IF EXISTS price'] },
];
// #endregion phases

// #region apply
/**
 * Each DDL statement commits on its own, under a lock timeout: most ALTER
 * TABLE forms take an exclusive lock, and while one waits behind a long
 * transaction, every query on the table queues behind it. Better to fail
 * and rerun: the statements are written to be safe to run twice. Apart,
 * too, so a NOT VALID constraint's exclusive lock ends before VALIDATE
 * scans the table under a lock that lets reads and writes go on.
 */
export async function applyPhase(db: Db, phase: Phase,
  sleep: (ms: number) => Promise<void>, lockTimeoutMs = 2_000)
  : Promise<void> {
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
    throw new RangeError(`lockTimeoutMs must be a positive integer`);
  }
  for (const statement of phase.ddl ?? []) {
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = ${lockTimeoutMs}`);
      await tx.query(statement);
    });
  }
  if (phase.backfill) {
    const done = await runBackfill(db, phase.backfill,
      { batchSize: 1_000, pauseMs: 100, sleep });
    if (done.status !== 'done') throw new Error(`${phase.name} unfinished`);
  }
}
// #endregion apply

// #region cross-check
/**
 * Each app writes a new product and re-prices every known one, then each
 * app reads every product. `truth` holds the last price written per sku
 * and carries over between phases. Returns the disagreements.
 */
export async function crossCheck(db: Queryable, apps: readonly App[],
  truth: Map<string, number>): Promise<string[]> {
  const problems: string[] = [];
  for (const writer of apps) {
    const next = 100 + truth.size * 7;
    for (const sku of [...truth.keys(), `${writer.version}-${truth.size}`]) {
      try {
        await writer.save(db, { sku, priceCents: next });
        truth.set(sku, next);
      } catch (error) {
        const why = (error as Error).message;
        problems.push(`${writer.version} cannot write: ${why}`);
        break;
      }
    }
    // Read after each writer: a later one would overwrite its rows.
    for (const reader of apps) {
      for (const [sku, cents] of truth) {
        const got = await reader.load(db, sku)
          .catch((e: Error) => e.message);
        if (got !== cents) {
          problems.push(
            `${reader.version} reads ${sku} after ${writer.version} as ${got}`);
        }
      }
    }
  }
  return problems;
}
// #endregion cross-check

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(BASE_SCHEMA);
  const truth = new Map<string, number>();
  const sleep = async () => {};
  for (const phase of PHASES) {
    await applyPhase(db, phase, sleep);
    const problems = await crossCheck(db, phase.runs, truth);
    const versions = phase.runs.map((a) => a.version).join(' + ');
    console.log(`${phase.name.padEnd(16)} ${versions.padEnd(8)}`,
      problems.length === 0 ? `all agree on ${truth.size} rows` : problems);
  }
  console.log('v3 after contract:',
    (await crossCheck(db, [v3], new Map()))[0]);
  await db.close();
}
