/**
 * A resumable backfill: walk a table in primary-key order, one short
 * transaction per batch, and record how far it got in the same transaction
 * as the batch's writes. Kill it at any point and run it again: it resumes
 * after the last committed batch and writes every row once.
 */

/** One session: PGlite, a transaction, or a `pg` pool (postgres-server.ts). */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[] }>;
}
export interface Db extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

export const CHECKPOINT_SCHEMA = `
CREATE TABLE IF NOT EXISTS backfill_checkpoints (
  job        text PRIMARY KEY,
  last_key   bigint NOT NULL DEFAULT 0,
  rows_done  bigint NOT NULL DEFAULT 0,
  finished   boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now())`;

/**
 * What to fill. `set` and `pending` are SQL written by the developer in the
 * migration, never user input; `table` and `key` are checked identifiers.
 */
export interface BackfillSpec {
  job: string; // checkpoint name, e.g. 'products.price_cents'
  table: string;
  key: string; // an integer primary key column
  set: string; // e.g. 'price_cents = round(price * 100)'
  pending: string; // rows still to do, e.g. 'price_cents IS NULL'
}

export interface BackfillOptions {
  batchSize: number;
  sleep: (ms: number) => Promise<void>; // injected: tests never wait
  pauseMs?: number; // rest between batches
  lagMs?: () => Promise<number>; // e.g. replica replay lag
  maxLagMs?: number; // hold off while lag is above this
  maxBatches?: number; // stop after this many (a time-boxed run)
  onBatch?: (b: { last: number; updated: number }) => void;
}

export interface BackfillResult {
  status: 'done' | 'paused';
  batches: number; // batches this run committed
  updated: number; // rows this run wrote
  lastKey: number; // the checkpoint
}

export class BackfillBusyError extends Error {}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

// #region batch
/**
 * One batch: the next `limit` keys after `after` (a keyset seek, not an
 * OFFSET), and an UPDATE of those still pending. Rows already done are
 * skipped, so a batch that runs twice writes nothing the second time.
 */
function batchSql({ table, key, set, pending }: BackfillSpec): string {
  return `WITH batch AS (
    SELECT ${key} AS k FROM ${table}
    WHERE ${key} > $1 ORDER BY ${key} LIMIT $2
  ), written AS (
    UPDATE ${table} SET ${set}
    FROM batch WHERE ${table}.${key} = batch.k AND (${pending})
    RETURNING 1
  )
  SELECT (SELECT max(k) FROM batch)::text AS last,
         (SELECT count(*) FROM written)::int AS updated`;
}
// #endregion batch

// #region run
export async function runBackfill(db: Db, spec: BackfillSpec,
  opts: BackfillOptions): Promise<BackfillResult> {
  check(spec, opts);
  const sql = batchSql(spec);
  // A new job starts just below the smallest key, so keys <= 0 are done too.
  await db.query(`INSERT INTO backfill_checkpoints (job, last_key)
    SELECT $1, coalesce(min(${spec.key}), 1) - 1 FROM ${spec.table}
    ON CONFLICT (job) DO NOTHING`, [spec.job]);
  const run = { batches: 0, updated: 0, lastKey: 0 };
  for (;;) {
    if (run.batches === opts.maxBatches) return { status: 'paused', ...run };
    if (run.batches > 0) await throttle(opts);
    const step = await db.transaction(async (tx) => {
      const cp = await lockCheckpoint(tx, spec.job);
      run.lastKey = cp.last;
      if (cp.finished) return undefined;
      const { rows: [b] } = await tx.query<{ last: string | null;
        updated: number }>(sql, [cp.last, opts.batchSize]);
      if (b?.last == null) { // no keys after the checkpoint: finished
        await tx.query(`UPDATE backfill_checkpoints SET finished = true,
          updated_at = now() WHERE job = $1`, [spec.job]);
        return undefined;
      }
      const last = safeKey(b.last);
      if (last <= cp.last) { // a bug, not a state to retry: never spin
        throw new Error(`key ${spec.key} did not advance past ${cp.last}`);
      }
      // Same transaction as the writes: both commit, or neither does.
      await tx.query(`UPDATE backfill_checkpoints SET last_key = $2,
        rows_done = rows_done + $3, updated_at = now() WHERE job = $1`,
      [spec.job, last, b.updated]);
      return { last, updated: b.updated };
    });
    if (!step) return { status: 'done', ...run };
    run.batches++;
    run.updated += step.updated;
    run.lastKey = step.last;
    opts.onBatch?.(step);
  }
}
// #endregion run

// #region throttle
async function throttle(opts: BackfillOptions): Promise<void> {
  if (opts.pauseMs) await opts.sleep(opts.pauseMs);
  if (!opts.lagMs || opts.maxLagMs === undefined) return;
  // Replicas apply WAL in order: writing faster than they replay makes
  // every read from them stale. Wait for them to catch up.
  let lag = await opts.lagMs();
  while (lag > opts.maxLagMs) {
    await opts.sleep(Math.min(lag, 10_000));
    lag = await opts.lagMs();
  }
}
// #endregion throttle

/** The checkpoint, locked for this batch; fails fast if another run has it. */
async function lockCheckpoint(tx: Queryable, job: string) {
  try {
    const { rows: [cp] } = await tx.query<{ last: string; finished: boolean }>(
      `SELECT last_key::text AS last, finished FROM backfill_checkpoints
       WHERE job = $1 FOR UPDATE NOWAIT`, [job]);
    if (!cp) throw new Error(`checkpoint ${job} vanished`);
    return { last: safeKey(cp.last), finished: cp.finished };
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') { // lock_not_available
      throw new BackfillBusyError(`backfill ${job} is running elsewhere`,
        { cause: error });
    }
    throw error;
  }
}

function safeKey(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`key ${text} too large`);
  return n;
}

function check(spec: BackfillSpec, opts: BackfillOptions): void {
  for (const name of ['table', 'key'] as const) {
    if (!IDENT.test(spec[name])) {
      throw new TypeError(`${name} must be a plain lower-case identifier`);
    }
  }
  if (!/^[\w.:-]{1,100}$/.test(spec.job)) {
    throw new TypeError('job must be 1-100 of [A-Za-z0-9_.:-]');
  }
  if (!spec.set.trim() || !spec.pending.trim()) {
    throw new TypeError('set and pending must not be empty');
  }
  const { batchSize: n, pauseMs = 0, maxLagMs = 0, maxBatches = 1 } = opts;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new RangeError(`batchSize must be an integer 1-10000: ${n}`);
  }
  if (!(pauseMs >= 0) || !(maxLagMs >= 0)) {
    throw new RangeError('pauseMs and maxLagMs must be >= 0');
  }
  if (!Number.isInteger(maxBatches) || maxBatches < 0) {
    throw new RangeError(`maxBatches must be an integer >= 0: ${maxBatches}`);
  }
}

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(`${CHECKPOINT_SCHEMA};
    CREATE TABLE products (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      price numeric(10,2) NOT NULL, price_cents bigint);
    INSERT INTO products (price) SELECT g + 0.99 FROM generate_series(1, 10) g`);
  const spec: BackfillSpec = { job: 'products.price_cents', table: 'products',
    key: 'id', set: 'price_cents = round(price * 100)',
    pending: 'price_cents IS NULL' };
  let after = 0;
  const log = ({ last, updated }: { last: number; updated: number }) => {
    console.log(`  batch ids ${after + 1}-${last}: ${updated} written`);
    after = last;
  };
  const opts = { batchSize: 4, pauseMs: 50, onBatch: log };
  let pauses = 0;
  const killedAt3rdBatch = async () => {
    if (++pauses === 2) throw new Error('SIGKILL');
  };
  console.log('run 1, killed before its third batch:');
  await runBackfill(db, spec, { ...opts, sleep: killedAt3rdBatch })
    .catch((e: Error) => console.log(`  ${e.message}`));
  console.log('run 2, from the checkpoint:');
  const end = await runBackfill(db, spec, { ...opts, sleep: async () => {} });
  const { rows: [r] } = await db.query<{ n: number }>(`SELECT count(*)::int
    AS n FROM products WHERE price_cents = round(price * 100)`);
  console.log(`${end.status}: ${r?.n} of 10 rows filled,`,
    `${end.updated} by run 2, checkpoint at id ${end.lastKey}`);
  await db.close();
}
