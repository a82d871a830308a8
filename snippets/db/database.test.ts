import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';

/** The folder a PGlite database keeps its files in. */
const folderOf = (db: { dataDir?: string }) => db.dataDir!;

describe('openDatabase', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'pglite-cache-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('creates a database and keeps an empty cluster for the next start', async () => {
    const db = await openDatabase(cacheDir);
    expect((await db.query<{ n: number }>('SELECT 1 + 1 AS n')).rows).toEqual([{ n: 2 }]);
    await db.close();
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^pglite-[\d.]+-postgres-only$/);
    expect(readFileSync(join(cacheDir, files[0]!, 'PG_VERSION'), 'utf8')).toMatch(/^\d+\n$/);
  }, 90_000); // a fresh cache runs PGlite's initdb: slow on a busy 2-core runner

  it('starts later databases from the copy, each its own and empty', async () => {
    const a = await openDatabase(cacheDir);
    const b = await openDatabase(cacheDir);
    expect(folderOf(a)).not.toBe(folderOf(b));
    await a.exec('CREATE TABLE t (x int); INSERT INTO t VALUES (1);');
    const tables = await b.query(`SELECT 1 FROM pg_tables WHERE tablename = 't'`);
    expect(tables.rows).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('holds the postgres database and no templates, for a smaller copy', async () => {
    const db = await openDatabase(cacheDir);
    expect((await db.query('SELECT datname FROM pg_database')).rows).toEqual([{ datname: 'postgres' }]);
    await db.close();
  });

  it('opens each database with PL/pgSQL loaded, so using it changes no setting', async () => {
    const db = await openDatabase(cacheDir);
    const settings = async () => (await db.query(`SELECT name, setting FROM pg_settings WHERE name LIKE 'plpgsql.%' ORDER BY 1`)).rows;
    const loaded = await settings();
    expect(loaded).toContainEqual({ name: 'plpgsql.variable_conflict', setting: 'error' });
    await db.exec('DO $$ BEGIN PERFORM 1; END $$');
    expect(await settings()).toEqual(loaded);
    await db.close();
  });

  it('runs with 16 MB of shared buffers', async () => {
    const db = await openDatabase(cacheDir);
    expect((await db.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    await db.close();
  });

  it('removes the folders of databases whose process is gone, and only those', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'pglite-scratch-'));
    // No process has pid 2^22 + 1: Linux pids stop at 2^22.
    const abandoned = join(scratch, `pglite-${2 ** 22 + 1}-abc123`);
    const live = join(scratch, `pglite-${process.pid}-def456`);
    const unrelated = join(scratch, 'notes');
    for (const dir of [abandoned, live, unrelated]) mkdirSync(dir);
    const db = await openDatabase(cacheDir, scratch);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live) && existsSync(unrelated)).toBe(true);
    expect(folderOf(db).startsWith(join(scratch, `pglite-${process.pid}-`))).toBe(true);
    await db.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('deletes the database folder on close', async () => {
    const db = await openDatabase(cacheDir);
    const folder = folderOf(db);
    expect(existsSync(join(folder, 'PG_VERSION'))).toBe(true);
    await db.close();
    expect(existsSync(folder)).toBe(false);
  });

  it('adds one exit listener per process, however often the module is loaded (as the demo host does)', async () => {
    const before = process.listenerCount('exit');
    for (let copy = 1; copy <= 12; copy++) await import(/* @vite-ignore */ `./database.ts?copy=${copy}`);
    expect(process.listenerCount('exit')).toBeLessThanOrEqual(before + 1);
  });
});
