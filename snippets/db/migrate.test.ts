import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMigration, loadMigrations, migrate, migrationStatus, MIGRATIONS_DIR,
  MigrationError, normalize, parseMigrations, type Connection,
} from './migrate.ts';
import { waitsForLock } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

// Lets a test hide a file from the runner's directory listing, as if another
// process wrote it between the listing and the write.
const unlisted = vi.hoisted(() => new Set<string>());
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((...args: Parameters<typeof fs.readdirSync>) => {
    const names = fs.readdirSync(...args) as unknown as (string | { name: string })[];
    return names.filter((n) => !unlisted.has(typeof n === 'string' ? n : n.name));
  }) as unknown as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

const RESET = 'DROP SCHEMA public CASCADE; CREATE SCHEMA public';
const files = (...list: [string, string][]) =>
  parseMigrations(list.map(([file, text]) => ({ file, text })));
const V1 = ['1_create_notes.sql', 'CREATE TABLE notes (id int PRIMARY KEY, body text);'] as [string, string];
const V2 = ['2_add_notes_author.sql', 'ALTER TABLE notes ADD COLUMN author text;'] as [string, string];
const V3 = ['3_create_tags.sql', 'CREATE TABLE tags (name text PRIMARY KEY);'] as [string, string];

const tables = async (db: Connection) => (await db.query<{ t: string }>(
  `SELECT table_name AS t FROM information_schema.tables
   WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.t);
const recorded = async (db: Connection) => (await db.query<{ version: number; checksum: string }>(
  'SELECT version::int, checksum FROM schema_migrations ORDER BY version')).rows;
const advisoryLocks = async (db: Connection) => (await db.query<{ n: number }>(
  "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'")).rows[0]?.n;

describe('parseMigrations', () => {
  it('orders by version number, so 10 comes after 9', () => {
    const ms = files(['10_ten.sql', 'SELECT 10;'], ['9_nine.sql', 'SELECT 9;'], ['0002_two.sql', 'SELECT 2;']);
    expect(ms.map((m) => m.file)).toEqual(['0002_two.sql', '9_nine.sql', '10_ten.sql']);
    expect(['10_ten.sql', '9_nine.sql'].sort()).toEqual(['10_ten.sql', '9_nine.sql']); // what a name sort does
  });

  it('refuses names without a version, two files with one version, version 0 and empty files', () => {
    expect(() => files(['create_users.sql', 'SELECT 1;'])).toThrow(/<version>_<name>\.sql/);
    expect(() => files(['1_Create Users.sql', 'SELECT 1;'])).toThrow(MigrationError);
    expect(() => files(['1_a.sql', 'SELECT 1;'], ['01_b.sql', 'SELECT 1;'])).toThrow(/both claim version 1/);
    expect(() => files(['0_zero.sql', 'SELECT 1;'])).toThrow(/start at 1/);
    expect(() => files(['1_blank.sql', ' \r\n\n'])).toThrow(/empty/);
  });

  it('checksums the SQL, not the line endings or BOM a checkout adds', () => {
    const [unix] = files(['1_a.sql', 'SELECT 1;\nSELECT 2;\n']);
    const [windows] = files(['1_a.sql', '\uFEFFSELECT 1;\r\nSELECT 2;\r\n\r\n']);
    const [edited] = files(['1_a.sql', 'SELECT 1;\nSELECT 3;\n']);
    expect(windows?.checksum).toBe(unix?.checksum);
    expect(edited?.checksum).not.toBe(unix?.checksum);
    expect(unix?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(normalize('a\r\nb\rc  \n\n')).toBe('a\nb\nc\n');
  });

  it('opts out of the transaction only with the marker on the first line', () => {
    const [off, on] = files(['1_a.sql', '-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);'],
      ['2_b.sql', 'SELECT 1;\n-- migrate:no-transaction\n']);
    expect(off?.transaction).toBe(false);
    expect(on?.transaction).toBe(true);
  });
});

describe('loadMigrations and createMigration', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'migrations-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('reads the shipped folder in version order, the index migration outside a transaction', () => {
    const ms = loadMigrations(MIGRATIONS_DIR);
    expect(ms.map((m) => [m.version, m.transaction])).toEqual([[1, true], [2, true], [3, true], [4, false]]);
  });

  it('refuses an oversized file', () => {
    writeFileSync(join(dir, '1_big.sql'), `SELECT 1;${' '.repeat(1024 * 1024)}`);
    expect(() => loadMigrations(dir)).toThrow(/over 1048576 bytes/);
  });

  it('numbers a new file after the newest version, not after the last name', () => {
    writeFileSync(join(dir, '9_nine.sql'), 'SELECT 9;');
    writeFileSync(join(dir, '10_ten.sql'), 'SELECT 10;');
    expect(createMigration(dir, 'add_users_phone')).toBe('0011_add_users_phone.sql');
    expect(readFileSync(join(dir, '0011_add_users_phone.sql'), 'utf8')).toBe('-- add_users_phone\n');
    expect(createMigration(dir, 'next')).toBe('0012_next.sql');
  });

  it('fails rather than overwrite a file that appeared after the listing', () => {
    writeFileSync(join(dir, '0001_add_users_phone.sql'), 'ALTER TABLE users ADD COLUMN phone text;');
    unlisted.add('0001_add_users_phone.sql');
    try {
      expect(() => createMigration(dir, 'add_users_phone')).toThrow(/EEXIST/);
    } finally {
      unlisted.clear();
    }
    expect(readFileSync(join(dir, '0001_add_users_phone.sql'), 'utf8')).toBe('ALTER TABLE users ADD COLUMN phone text;');
  });

  it('refuses a name that would not load or would leave the folder', () => {
    expect(() => createMigration(dir, 'Add Phone')).toThrow(/lower_snake_case/);
    expect(() => createMigration(dir, '../escape')).toThrow(MigrationError);
    expect(() => createMigration(dir, '')).toThrow(MigrationError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

// One session (PGlite): everything but the race between two runners.
describe('migrate on PGlite', () => {
  const db = useDatabase('SELECT 1', { reset: RESET });

  it('applies pending migrations in order and records each with its checksum', async () => {
    const ms = files(V2, V1);
    expect(await migrate(db(), ms)).toEqual([1, 2]);
    expect(await tables(db())).toEqual(['notes', 'schema_migrations']);
    expect(await recorded(db())).toEqual(ms.map((m) => ({ version: m.version, checksum: m.checksum })));
  });

  it('does nothing on a second run', async () => {
    await migrate(db(), files(V1, V2));
    const before = (await db().query('SELECT * FROM schema_migrations')).rows;
    expect(await migrate(db(), files(V1, V2))).toEqual([]);
    expect((await db().query('SELECT * FROM schema_migrations')).rows).toEqual(before);
  });

  it('applies only what is new when a migration is added', async () => {
    await migrate(db(), files(V1));
    expect(await migrate(db(), files(V1, V2, V3))).toEqual([2, 3]);
  });

  it('refuses an edited applied migration before applying anything', async () => {
    await migrate(db(), files(V1));
    const edited = files([V1[0], 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);'], V2);
    await expect(migrate(db(), edited)).rejects.toThrow(/1_create_notes\.sql changed after it was applied/);
    expect((await recorded(db())).map((r) => r.version)).toEqual([1]);
    expect(await advisoryLocks(db())).toBe(0);
  });

  it('rolls back a failing migration whole, keeps earlier ones, and retries it next run', async () => {
    const broken = ['2_add_notes_author.sql', 'CREATE TABLE audit (id int);\nALTER TABLE nope ADD COLUMN x int;'] as [string, string];
    await expect(migrate(db(), files(V1, broken, V3))).rejects.toThrow(/2_add_notes_author\.sql failed \(rolled back\): relation "nope" does not exist/);
    expect(await tables(db())).toEqual(['notes', 'schema_migrations']); // no audit, no tags
    expect((await recorded(db())).map((r) => r.version)).toEqual([1]);
    expect(await advisoryLocks(db())).toBe(0); // released after a failure too
    expect(await migrate(db(), files(V1, V2, V3))).toEqual([2, 3]);
  });

  it('rolls the change back too when recording it fails, so no change is left unrecorded', async () => {
    await migrate(db(), files(V1));
    // The connection drops the INSERT into schema_migrations for version 3.
    const flaky: Connection = {
      query: (sql, params) => sql.includes('INSERT INTO schema_migrations') && params?.[0] === 3
        ? Promise.reject(new Error('connection reset')) : db().query(sql, params),
      exec: (sql) => db().exec(sql),
    };
    await expect(migrate(flaky, files(V1, V3))).rejects.toThrow(/3_create_tags\.sql failed \(rolled back\): connection reset/);
    expect(await tables(db())).toEqual(['notes', 'schema_migrations']); // no tags
    expect(await migrate(db(), files(V1, V3))).toEqual([3]); // a retry applies it cleanly
  });

  it('refuses a pending migration older than the newest applied one, unless allowed', async () => {
    await migrate(db(), files(V1, V3));
    await expect(migrate(db(), files(V1, V2, V3))).rejects.toThrow(/2_add_notes_author\.sql is older than applied version 3/);
    expect(await migrate(db(), files(V1, V2, V3), { allowOutOfOrder: true })).toEqual([2]);
  });

  it('refuses when an applied migration\'s file is gone, but lets an older release run', async () => {
    await migrate(db(), files(V1, V2, V3));
    await expect(migrate(db(), files(V1, V3))).rejects.toThrow(/2_add_notes_author\.sql was applied; file gone/);
    expect(await migrate(db(), files(V1, V2))).toEqual([]); // 3 is newer than every file it has
  });

  it('reports each migration\'s state without applying anything', async () => {
    expect(await migrationStatus(db(), files(V1))).toEqual([{ file: V1[0], state: 'pending' }]);
    expect(await tables(db())).toEqual([]);
    await migrate(db(), files(V1, V2));
    const edited = files(V1, [V2[0], 'ALTER TABLE notes ADD COLUMN author text NOT NULL;'], V3);
    expect(await migrationStatus(db(), edited.filter((m) => m.version !== 1))).toEqual([
      { file: V1[0], state: 'missing' },
      { file: V2[0], state: 'edited' },
      { file: V3[0], state: 'pending' },
    ]);
  });

  describe('development: roll forward, because a down migration loses data', () => {
    const phone = ['3_add_users_phone.sql', 'ALTER TABLE notes ADD COLUMN phone text;'] as [string, string];

    it('a down migration drops what was written since the up', async () => {
      await migrate(db(), files(V1, V2, phone));
      await db().query("INSERT INTO notes (id, body, phone) VALUES (1, 'hi', '+44 20 7946 0000')");
      // The "down" a tool would run, then the "up" again:
      await db().exec('ALTER TABLE notes DROP COLUMN phone; DELETE FROM schema_migrations WHERE version = 3');
      await migrate(db(), files(V1, V2, phone));
      expect((await db().query('SELECT phone FROM notes')).rows).toEqual([{ phone: null }]);
    });

    it('fixes a mistake with a new migration, keeping the data', async () => {
      await migrate(db(), files(V1, V2, phone));
      await db().query("INSERT INTO notes (id, body, phone) VALUES (1, 'hi', '+44 20 7946 0000')");
      const fix = ['4_rename_notes_phone.sql', 'ALTER TABLE notes RENAME COLUMN phone TO contact_phone;'] as [string, string];
      expect(await migrate(db(), files(V1, V2, phone, fix))).toEqual([4]);
      expect((await db().query('SELECT contact_phone FROM notes')).rows).toEqual([{ contact_phone: '+44 20 7946 0000' }]);
    });
  });
});

// Several sessions (a real server): two deploys racing, and CONCURRENTLY.
describe('migrate on a PostgreSQL server', () => {
  const { db, server } = useServerDatabase('SELECT 1', { connections: 4, reset: RESET });
  let clients: pg.PoolClient[] = [];
  const connect = async (): Promise<Connection> => {
    const client = await server().pool(1).pool.connect();
    clients.push(client);
    return {
      query: async <R,>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as R[] }),
      exec: (sql) => client.query(sql),
    };
  };
  afterEach(() => {
    for (const c of clients) c.release();
    clients = [];
  });

  it('lets two runners started at once apply each migration once: the second waits on the lock', async () => {
    const ms = files(V1, ['2_count_runs.sql', 'CREATE TABLE runs (n int); INSERT INTO runs VALUES (1);']);
    const [a, b] = [await connect(), await connect()];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let reached!: () => void;
    const aInside = new Promise<void>((resolve) => { reached = resolve; });
    const runA = migrate(a, ms, { onApply: async () => { reached(); await gate; } });
    let bApplied = 0;
    try {
      await aInside; // A holds the lock and has planned [1, 2]
      const runB = migrate(b, ms, { onApply: () => { bApplied++; } });
      const waited = await waitsForLock(db(), runB);
      expect(waited.join()).toMatch(/pg_advisory_lock/);
      release();
      expect(await runA).toEqual([1, 2]);
      expect(await runB).toEqual([]); // it planned after A had finished
    } finally {
      release();
      await runA.catch(() => {});
    }
    expect(bApplied).toBe(0);
    expect((await db().query('SELECT count(*)::int AS n FROM runs')).rows).toEqual([{ n: 1 }]);
  });

  it('cannot run CREATE INDEX CONCURRENTLY in its transaction, and can with the opt-out', async () => {
    const c = await connect();
    const inTx = files(V1, ['2_index_notes_body.sql', 'CREATE INDEX CONCURRENTLY notes_body_idx ON notes (body);']);
    await expect(migrate(c, inTx)).rejects.toThrow(/cannot run inside a transaction block/);
    expect((await recorded(c)).map((r) => r.version)).toEqual([1]);
    // Opted out but with two statements: one implicit transaction, same error.
    const twoStatements = files(V1, ['2_index_notes_body.sql',
      '-- migrate:no-transaction\nSELECT 1;\nCREATE INDEX CONCURRENTLY notes_body_idx ON notes (body);']);
    await expect(migrate(c, twoStatements)).rejects.toThrow(/not rolled back.*cannot run inside a transaction block/);
    const optedOut = files(V1, ['2_index_notes_body.sql',
      '-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY notes_body_idx ON notes (body);']);
    expect(await migrate(c, optedOut)).toEqual([2]);
    const { rows } = await c.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index
      WHERE indexrelid = 'notes_body_idx'::regclass`);
    expect(rows).toEqual([{ valid: true }]);
  });

  it('does not record the shipped index migration over an invalid index a failed build left', async () => {
    const c = await connect();
    const shipped = loadMigrations(MIGRATIONS_DIR);
    expect(await migrate(c, shipped.slice(0, 3))).toEqual([1, 2, 3]);
    await c.exec(`INSERT INTO plans VALUES ('free', 'Free', 0);
      INSERT INTO users (email, name, plan_code) VALUES ('a@example.com', 'A', 'free');
      INSERT INTO orders (number, user_id, total_cents) VALUES ('n1', 1, 100), ('n2', 1, 200)`);
    // A concurrent build that fails midway (here on a duplicate) is not
    // rolled back: it leaves an INVALID index under the name behind.
    await expect(c.exec('CREATE UNIQUE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id)'))
      .rejects.toThrow(/could not create unique index/);
    const valid = async () => (await c.query<{ v: boolean }>(`SELECT indisvalid AS v FROM pg_index
      WHERE indexrelid = 'orders_user_id_idx'::regclass`)).rows;
    expect(await valid()).toEqual([{ v: false }]);
    // The retry must fail loudly, not skip the name and record version 4.
    await expect(migrate(c, shipped)).rejects.toThrow(/0004_index_orders_by_user\.sql failed \(not rolled back: check it\): .*already exists/);
    expect((await recorded(c)).map((r) => r.version)).toEqual([1, 2, 3]);
    await c.exec('DROP INDEX orders_user_id_idx');
    expect(await migrate(c, shipped)).toEqual([4]);
    expect(await valid()).toEqual([{ v: true }]);
  });

  it('runs the shipped migrations on the server, once', async () => {
    const c = await connect();
    expect(await migrate(c, loadMigrations(MIGRATIONS_DIR))).toEqual([1, 2, 3, 4]);
    expect(await migrate(c, loadMigrations(MIGRATIONS_DIR))).toEqual([]);
    expect(await advisoryLocks(c)).toBe(0);
  });
});

