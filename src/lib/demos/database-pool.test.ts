import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../snippets/db/database.ts';
import { baselineOf, catalogSummary, createDatabasePool, resetDatabase } from './database-pool.ts';

/** A demo that leaves behind one of everything it can create, and session state. */
const WORKLOAD = `
CREATE SCHEMA shop;
CREATE TYPE shop.mood AS ENUM ('ok', 'sad');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE TABLE orders (id serial PRIMARY KEY, total positive, mood shop.mood);
CREATE INDEX ON orders (total);
CREATE VIEW big AS SELECT * FROM orders WHERE total > 100;
CREATE MATERIALIZED VIEW shop.totals AS SELECT sum(total) FROM orders;
CREATE SEQUENCE shop.ids;
CREATE FUNCTION shop.twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';
CREATE PUBLICATION everything FOR ALL TABLES;
CREATE ROLE app LOGIN;
CREATE ROLE readers;
GRANT readers TO app;
GRANT SELECT ON orders TO readers;
GRANT EXECUTE ON FUNCTION now() TO app;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO readers;
ALTER DEFAULT PRIVILEGES IN SCHEMA shop GRANT USAGE ON SEQUENCES TO app;
ALTER DATABASE postgres SET work_mem = '8MB';
ALTER ROLE postgres SET statement_timeout = '5s';
ALTER ROLE app SET search_path = shop;
COMMENT ON DATABASE postgres IS 'shop';
COMMENT ON SCHEMA public IS 'changed';
SELECT lo_create(0);
CREATE TEMP TABLE scratch (x int);
PREPARE one AS SELECT 1;
SELECT pg_advisory_lock(7);
LISTEN orders;
SET search_path = shop;
SET work_mem = '1MB';
SET ROLE app;
BEGIN;
DECLARE c CURSOR FOR SELECT 1;`;

describe('createDatabasePool', () => {
  const discarded: unknown[] = [];
  const pool = createDatabasePool({ onDiscard: (error) => discarded.push(error) });
  const fresh = openDatabase();
  afterAll(async () => (await fresh).close());

  it('lends the same database again, catalog-equal to a new one, after a demo-like workload', async () => {
    const db = await pool.borrow(() => openDatabase());
    await db.exec(WORKLOAD);
    await db.close();
    expect(discarded).toEqual([]);
    const again = await pool.borrow(() => { throw new Error('no warm database'); });
    expect(again).toBe(db);
    expect(await catalogSummary(again)).toEqual(await catalogSummary(await fresh));
    await again.close();
  }, 60_000);

  it('keeps a database a demo used PL/pgSQL in: database.ts opens each with it loaded', async () => {
    const before = discarded.length;
    const db = await pool.borrow(() => openDatabase());
    await db.exec(`CREATE FUNCTION log_it() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
      CREATE EVENT TRIGGER logger ON ddl_command_end EXECUTE FUNCTION log_it();
      DO $$ BEGIN PERFORM 1; END $$;`);
    await db.close();
    expect(discarded.slice(before)).toEqual([]);
    const again = await pool.borrow(() => { throw new Error('no warm database'); });
    expect(again).toBe(db);
    expect(await catalogSummary(again)).toEqual(await catalogSummary(await fresh));
    await again.close();
  }, 60_000);

  it('closes a database whose reset leaves something a new one lacks', async () => {
    const db = await pool.borrow(() => openDatabase());
    await db.exec(`COMMENT ON FUNCTION now() IS 'changed'`);
    await db.close();
    expect(String(discarded.at(-1))).toMatch(/not empty after reset: .*comments on initdb objects/);
    const next = await pool.borrow(async () => openDatabase());
    expect(next).not.toBe(db);
    await next.close();
  }, 60_000);

  it.each([
    ['ALTER ROLE postgres VALID UNTIL', `ALTER ROLE postgres VALID UNTIL '2031-01-01'`, 'pg_authid'],
    ['ALTER ROLE postgres PASSWORD', `ALTER ROLE postgres PASSWORD 'secret'`, 'pg_authid'],
    ['ALTER DATABASE postgres CONNECTION LIMIT', 'ALTER DATABASE postgres CONNECTION LIMIT 5', 'pg_database'],
    ['ALTER FUNCTION of a built-in', 'ALTER FUNCTION lower(text) COST 7', 'pg_proc'],
    ['ALTER TEXT SEARCH CONFIGURATION english', 'ALTER TEXT SEARCH CONFIGURATION english DROP MAPPING FOR asciiword', 'pg_ts_config_map'],
    // Building an index sets relhasindex in place, which a rollback leaves set.
    ['CREATE INDEX rolled back', 'BEGIN; CREATE INDEX ON information_schema.sql_parts (feature_id); ROLLBACK', 'pg_class'],
  ])('closes a database whose initdb rows a demo changed in place: %s', async (_name, change, catalog) => {
    const db = await pool.borrow(() => openDatabase());
    await db.exec(change);
    const before = discarded.length;
    await db.close();
    expect(discarded).toHaveLength(before + 1);
    expect(String(discarded.at(-1))).toMatch(new RegExp(`not empty after reset: .*initdb rows ${catalog} `));
  }, 60_000);

  it('summarises from the baseline as in full: catalogs written since are hashed again, the rest keep their line', async () => {
    const db = await openDatabase();
    const baseline = await baselineOf(db);
    expect(await catalogSummary(db, baseline)).toEqual(baseline.summary);
    await db.exec(`GRANT EXECUTE ON FUNCTION now() TO PUBLIC; ALTER FUNCTION lower(text) COST 7`);
    const full = await catalogSummary(db);
    expect(await catalogSummary(db, baseline)).toEqual(full);
    expect(full.filter((line) => !baseline.summary.includes(line))).toEqual([
      expect.stringMatching(/^function now\(\) /), expect.stringMatching(/^initdb rows pg_proc /)]);
    await db.close();
  }, 60_000);

  it.each([
    ['CREATE INDEX rolled back', 'BEGIN; CREATE INDEX ON information_schema.sql_parts (feature_id); ROLLBACK'],
    ['CREATE INDEX, then DROP INDEX', 'CREATE INDEX i ON information_schema.sql_features (feature_id); DROP INDEX information_schema.i'],
  ])('summarises from the baseline as in full after a flag PostgreSQL sets in place, with no new xmin: %s', async (_name, change) => {
    const db = await openDatabase();
    const baseline = await baselineOf(db);
    await db.exec(change);
    const full = await catalogSummary(db);
    expect(full.filter((line) => !baseline.summary.includes(line))).toEqual([expect.stringMatching(/^initdb rows pg_class /)]);
    expect(await catalogSummary(db, baseline)).toEqual(full);
    await db.close();
  }, 60_000);

  it('closes a database a demo ran ALTER SYSTEM in, which pg_file_settings and a reload would show', async () => {
    const db = await pool.borrow(() => openDatabase());
    await db.exec(`ALTER SYSTEM SET work_mem = '8MB'`);
    await db.close();
    expect(String(discarded.at(-1))).toMatch(/not empty after reset: .*file setting work_mem=8MB/);
  }, 60_000);

  it('keeps a database whose catalog statistics a demo updated (ANALYZE, VACUUM)', async () => {
    const own = createDatabasePool({ onDiscard: (error) => discarded.push(error) });
    const db = await own.borrow(() => openDatabase());
    await db.exec('CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 100)');
    await db.exec('ANALYZE');
    await db.exec('VACUUM');
    await db.close();
    expect(await own.borrow(() => { throw new Error('no warm database'); })).toBe(db);
    await db.close();
  }, 60_000);

  it('fails a second close as a closed PGlite does, and keeps the database it took back', async () => {
    const own = createDatabasePool();
    const db = await own.borrow(() => openDatabase());
    await db.close();
    await expect(db.close()).rejects.toThrow('PGlite is closed');
    const again = await own.borrow(() => { throw new Error('no warm database'); });
    expect(again).toBe(db);
    expect((await again.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await again.close();
  }, 60_000);

  it('fails a second close through a reference the demo kept, and keeps the database it took back', async () => {
    // Here a standalone run rejects too; in the pool, the database may
    // already be idle, or lent to a later demo.
    const own = createDatabasePool();
    const db = await own.borrow(() => openDatabase());
    const close = db.close;
    await close();
    await expect(close()).rejects.toThrow('PGlite is closed');
    const again = await own.borrow(() => { throw new Error('no warm database'); });
    expect(again).toBe(db);
    expect((await again.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await again.close();
  }, 60_000);

  it('drops the notification callbacks a demo registered before lending the database again', async () => {
    const own = createDatabasePool();
    const heard: string[] = [];
    const db = await own.borrow(() => openDatabase());
    db.onNotification((channel, payload) => heard.push(`any ${channel} ${payload}`));
    await db.listen('orders', (payload) => heard.push(`orders ${payload}`));
    await db.close();
    const next = await own.borrow(() => { throw new Error('no warm database'); });
    expect(next).toBe(db);
    await next.listen('orders', () => {});
    await next.exec(`NOTIFY orders, 'new'`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([]);
    await next.close();
  }, 60_000);

  it('closes a database a demo changed the methods of', async () => {
    const db = await pool.borrow(() => openDatabase());
    db.query = (() => { throw new Error('wrapped'); }) as typeof db.query;
    await db.close();
    expect(String(discarded.at(-1))).toMatch(/changed the instance/);
  }, 60_000);

  it('lets a database it closed go, WebAssembly memory and all, while a demo still holds it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const own = createDatabasePool({ keep: 0 });
    const db = await own.borrow(() => openDatabase());
    // The Emscripten module, whose WebAssembly memory is most of a database's ~135 MB.
    const module = new WeakRef((db as unknown as { mod: object }).mod);
    await db.close();
    for (let i = 0; i < 3 && module.deref(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect(module.deref()).toBeUndefined();
    await expect(db.close()).rejects.toThrow('PGlite is closed');
  }, 60_000);
});

describe('resetDatabase', () => {
  it('fails naming what a new database has and the reset one lacks, as well as what it has extra', async () => {
    const db = await openDatabase();
    try {
      const baseline = await baselineOf(db);
      await expect(resetDatabase(db, { ...baseline, summary: [...baseline.summary, 'schema ghost'] }))
        .rejects.toThrow(/^database not empty after reset: - schema ghost$/);
      await expect(resetDatabase(db, { ...baseline, summary: baseline.summary.filter((line) => !line.startsWith('schema public ')) }))
        .rejects.toThrow(/^database not empty after reset: \+ schema public /);
      await expect(resetDatabase(db, baseline)).resolves.toBeUndefined();
    } finally {
      await db.close();
    }
  }, 60_000);
});
