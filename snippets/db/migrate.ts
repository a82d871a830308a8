/**
 * A small migration runner: numbered SQL files, each applied once, in a
 * transaction, and recorded with a checksum in `schema_migrations`. The
 * runner holds a PostgreSQL advisory lock for the whole run, so two
 * deploys starting at once apply each migration once between them.
 *
 * It needs one session throughout (the lock belongs to a session): PGlite,
 * or one client checked out of a `pg` pool, never the pool itself.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One session. PGlite fits as is; wrap a `pg` client (see the tests). */
export interface Connection {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[] }>;
  /** Runs a script of one or more statements, without parameters. */
  exec(sql: string): Promise<unknown>;
}

export interface Migration {
  version: number;
  file: string;
  sql: string;
  checksum: string;
  transaction: boolean;
}

export class MigrationError extends Error {}

const MAX_BYTES = 1024 * 1024;

// #region load
const FILE = /^(\d{1,14})_([a-z0-9][a-z0-9_]*)\.sql$/;
const NO_TRANSACTION = '-- migrate:no-transaction\n';

/** What a checkout may change without the SQL changing: BOM, CRLF. */
export function normalize(text: string): string {
  return `${text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trimEnd()}\n`;
}

export function parseMigrations(
  files: { file: string; text: string }[]): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const { file, text } of files) {
    const match = FILE.exec(file);
    if (!match) {
      throw new MigrationError(`${file}: name it <version>_<name>.sql, `
        + 'e.g. 0007_add_users_phone.sql');
    }
    const version = Number(match[1]);
    const clash = byVersion.get(version);
    if (version < 1 || clash) {
      throw new MigrationError(clash
        ? `${file} and ${clash.file} both claim version ${version}`
        : `${file}: versions start at 1`);
    }
    const sql = normalize(text);
    if (sql.trim() === '') throw new MigrationError(`${file} is empty`);
    const checksum = createHash('sha256').update(sql).digest('hex');
    const transaction = !sql.startsWith(NO_TRANSACTION);
    byVersion.set(version, { version, file, sql, checksum, transaction });
  }
  // Compare numbers, not names: as strings, '10_x' sorts before '9_y'.
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}
// #endregion load

export function loadMigrations(dir: string): Migration[] {
  return parseMigrations(readdirSync(dir).filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const path = join(dir, file);
      if (statSync(path).size > MAX_BYTES) {
        throw new MigrationError(`${file} is over ${MAX_BYTES} bytes`);
      }
      return { file, text: readFileSync(path, 'utf8') };
    }));
}

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    bigint PRIMARY KEY,
  file       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now())`;

/** Any constant shared by every runner of this database. */
export const LOCK_KEY = 7_310_027;

export interface MigrateOptions {
  /** Called before each migration runs: logging, progress. */
  onApply?: (m: Migration) => void | Promise<void>;
  /** Apply a pending version older than the newest applied one. */
  allowOutOfOrder?: boolean;
}

// #region run
/** Applies what is pending and returns the versions it applied. */
export async function migrate(db: Connection, migrations: Migration[],
  { onApply, allowOutOfOrder = false }: MigrateOptions = {})
  : Promise<number[]> {
  // Waits while another runner holds it; held until unlocked below.
  await db.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await db.exec(MIGRATIONS_TABLE); // under the lock: no CREATE race
    const pending = await plan(db, migrations, allowOutOfOrder);
    for (const m of pending) {
      await onApply?.(m);
      await apply(db, m);
    }
    return pending.map((m) => m.version);
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

async function apply(db: Connection, m: Migration): Promise<void> {
  const record = () => db.query(`INSERT INTO schema_migrations
    (version, file, checksum) VALUES ($1, $2, $3)`,
  [m.version, m.file, m.checksum]);
  if (!m.transaction) { // one statement, e.g. CREATE INDEX CONCURRENTLY
    await db.exec(m.sql).catch(failed(m, 'not rolled back: check it'));
    await record();
    return;
  }
  await db.exec('BEGIN');
  try {
    await db.exec(m.sql);
    await record(); // commits with the change, or not at all
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK');
    failed(m, 'rolled back')(error);
  }
}
// #endregion run

function failed(m: Migration, outcome: string) {
  return (error: unknown): never => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`${m.file} failed (${outcome}): ${reason}`,
      { cause: error });
  };
}

interface Applied { version: string; file: string; checksum: string }

// #region plan
async function plan(db: Connection, migrations: Migration[],
  allowOutOfOrder: boolean): Promise<Migration[]> {
  const { rows } = await db.query<Applied>(`SELECT version::text, file,
    checksum FROM schema_migrations ORDER BY version`);
  const local = new Map(migrations.map((m) => [m.version, m]));
  const newestLocal = migrations.at(-1)?.version ?? 0;
  for (const row of rows) {
    const m = local.get(Number(row.version));
    // Newer than every file: an older release after a newer one migrated.
    if (!m && Number(row.version) > newestLocal) continue;
    if (!m) throw new MigrationError(`${row.file} was applied; file gone`);
    if (m.checksum !== row.checksum) {
      throw new MigrationError(`${m.file} changed after it was applied `
        + `(${row.checksum.slice(0, 8)} -> ${m.checksum.slice(0, 8)}): `
        + 'restore it and add a new migration');
    }
  }
  const applied = new Set(rows.map((r) => Number(r.version)));
  const newest = Number(rows.at(-1)?.version ?? 0);
  const pending = migrations.filter((m) => !applied.has(m.version));
  const late = pending.find((m) => m.version < newest);
  if (late && !allowOutOfOrder) {
    throw new MigrationError(`${late.file} is older than applied version `
      + `${newest}: renumber it after ${newest}`);
  }
  return pending;
}
// #endregion plan

export type State = 'applied' | 'pending' | 'edited' | 'missing';

// #region status
/** Each migration's state, without applying or locking anything. */
export async function migrationStatus(db: Connection,
  migrations: Migration[]): Promise<{ file: string; state: State }[]> {
  const { rows: [table] } = await db.query<{ ok: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS ok");
  const { rows } = table?.ok
    ? await db.query<Applied>(`SELECT version::text, file, checksum
        FROM schema_migrations`)
    : { rows: [] };
  const applied = new Map(rows.map((r) => [Number(r.version), r]));
  const out = migrations.map((m): { version: number; file: string;
    state: State } => {
    const row = applied.get(m.version);
    applied.delete(m.version);
    const state: State = !row ? 'pending'
      : row.checksum === m.checksum ? 'applied' : 'edited';
    return { version: m.version, file: m.file, state };
  });
  for (const [version, row] of applied) {
    out.push({ version, file: row.file, state: 'missing' });
  }
  return out.sort((a, b) => a.version - b.version)
    .map(({ file, state }) => ({ file, state }));
}
// #endregion status

// #region create
/** Writes an empty migration numbered after the newest; returns its name. */
export function createMigration(dir: string, name: string): string {
  if (!/^[a-z0-9][a-z0-9_]{0,59}$/.test(name)) {
    throw new MigrationError(`"${name}": use lower_snake_case, e.g. `
      + 'add_users_phone');
  }
  const next = (loadMigrations(dir).at(-1)?.version ?? 0) + 1;
  const file = `${String(next).padStart(4, '0')}_${name}.sql`;
  // 'wx': fail rather than overwrite if the name is already taken.
  writeFileSync(join(dir, file), `-- ${name}\n`, { flag: 'wx' });
  return file;
}
// #endregion create

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)),
  'migrations');

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  const files = loadMigrations(MIGRATIONS_DIR);
  const show = (vs: number[]) => vs.length ? vs.join(', ') : 'nothing to do';
  console.log(`deploy 1 applied: ${show(await migrate(db, files))}`);
  console.log(`deploy 2 applied: ${show(await migrate(db, files))}`);
  const edited = files.map((m) => m.version !== 2 ? m : parseMigrations([{
    file: m.file, text: m.sql.replace('text NOT NULL,', 'text,') }])[0]!);
  await migrate(db, edited).catch((e: Error) => console.log(e.message));
  for (const { file, state } of await migrationStatus(db, edited)) {
    console.log(`  ${state.padEnd(8)} ${file}`);
  }
  await db.close();
}
