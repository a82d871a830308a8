import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';

describe('openDatabase', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'pglite-cache-'));

  it('creates a database and keeps an empty copy for the next start', async () => {
    const db = await openDatabase(cacheDir);
    expect((await db.query<{ n: number }>('SELECT 1 + 1 AS n')).rows).toEqual([{ n: 2 }]);
    await db.close();
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^pglite-[\d.]+-empty\.tar$/);
  });

  it('starts later databases from the copy, each its own and empty', async () => {
    expect(existsSync(cacheDir)).toBe(true);
    const a = await openDatabase(cacheDir);
    const b = await openDatabase(cacheDir);
    await a.exec('CREATE TABLE t (x int); INSERT INTO t VALUES (1);');
    const tables = await b.query(`SELECT 1 FROM pg_tables WHERE tablename = 't'`);
    expect(tables.rows).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});
