import type { PGlite } from '@electric-sql/pglite';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { PoolDb, PostgresServer, Session } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const SCHEMA = 'CREATE TABLE notes (body text NOT NULL)';
const RESET = 'TRUNCATE notes';

/** What calling `get` throws, or undefined if it returns. */
function thrown(get: () => unknown): string | undefined {
  try {
    get();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const count = async (db: Session) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes'))
    .rows[0]?.n;

describe('useDatabase', () => {
  let opened: PGlite | undefined;
  let early: string | undefined;
  let db: () => PGlite;

  describe('within its block', () => {
    db = useDatabase(SCHEMA, { reset: RESET });
    early = thrown(db); // the describe body runs before any hook

    it('opens a database with the schema applied', async () => {
      await db().query("INSERT INTO notes VALUES ('first')");
      expect(await count(db())).toBe(1);
    });

    it('runs the reset before each test', async () => {
      expect(await count(db())).toBe(0);
      opened = db();
    });
  });

  it('refuses a call before the database is open, saying why', () => {
    expect(early).toMatch(
      /^useDatabase\(\): the PGlite database is not open yet: it opens in beforeAll/);
  });

  it('closes the database after the block, and says so when called', () => {
    expect(opened?.closed).toBe(true);
    expect(thrown(db))
      .toBe('useDatabase(): the PGlite database is closed: its afterAll has run');
  });

  describe('without a reset', () => {
    const plain = useDatabase(SCHEMA);

    it('keeps the rows of one test for the next', async () => {
      await plain().query("INSERT INTO notes VALUES ('kept')");
      expect(await count(plain())).toBe(1);
    });

    it('still has them', async () => {
      expect(await count(plain())).toBe(1);
    });
  });
});

describe('useServerDatabase', () => {
  let server: PostgresServer | undefined;
  let pool: PoolDb | undefined;
  let early: (string | undefined)[] = [];
  let fixture: ReturnType<typeof useServerDatabase>;

  describe('within its block', () => {
    fixture = useServerDatabase(SCHEMA, { reset: RESET, connections: 3 });
    early = [thrown(fixture.db), thrown(fixture.server)];

    it('starts a server and opens a pool of the size asked, schema applied', async () => {
      await fixture.db().query("INSERT INTO notes VALUES ('first')");
      expect(await count(fixture.db())).toBe(1);
      expect(fixture.db().pool.options.max).toBe(3);
    });

    it('runs the reset before each test', async () => {
      expect(await count(fixture.db())).toBe(0);
      server = fixture.server();
      pool = fixture.db();
    });

    it('hands out the server for pools of another kind', async () => {
      const rr = fixture.server().pool(1, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
      const level = await rr.transaction(async (tx) =>
        (await tx.query<{ l: string }>('SELECT current_setting($1) AS l',
          ['transaction_isolation'])).rows[0]?.l);
      expect(level).toBe('repeatable read');
    });
  });

  it('refuses a call before the server is up, saying why', () => {
    expect(early).toEqual([
      expect.stringMatching(/^useServerDatabase\(\): the pool is not open yet/),
      expect.stringMatching(/^useServerDatabase\(\): the server is not open yet/),
    ]);
  });

  it('stops the server after the block, and says so when called', async () => {
    const { host, port, user, database } = server!;
    const client = new pg.Client({ host, port, user, database });
    await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(pool?.pool.ended).toBe(true);
    expect(thrown(fixture.db))
      .toBe('useServerDatabase(): the pool is closed: its afterAll has run');
    expect(thrown(fixture.server))
      .toBe('useServerDatabase(): the server is closed: its afterAll has run');
  });
});

describe('use-database.ts', () => {
  // It registers vitest hooks, which fail outside a test run: a demo
  // (`node file.ts`) that imported it would crash.
  it('is imported by tests only', () => {
    const snippets = fileURLToPath(new URL('..', import.meta.url));
    const importers = readdirSync(snippets, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /from '[./]*(db\/)?use-database\.ts'/
        .test(readFileSync(join(snippets, file), 'utf8')));
    expect(importers).toEqual([]);
  });
});
