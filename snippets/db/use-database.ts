/**
 * The database set-up the database tests share: one database for a test
 * file (or a describe block), with its schema, emptied before each test by
 * `reset` and closed after the last one.
 *
 *   const db = useDatabase(SCHEMA, { reset: 'TRUNCATE orders' });
 *   it('…', async () => { await db().query('…'); });
 *
 * The database opens in beforeAll, after the file's top level has run, so
 * each call returns a getter rather than the database itself; calling it
 * before the database is open, or after it is closed, throws and says so.
 *
 * Tests only: it registers vitest hooks, so no demo may import it.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openDatabase } from './database.ts';
import {
  startPostgres, type PoolDb, type PostgresServer,
} from './postgres-server.ts';

export interface UseDatabaseOptions {
  /** SQL run before each test, e.g. 'TRUNCATE orders RESTART IDENTITY'. */
  reset?: string;
}

export interface UseServerDatabaseOptions extends UseDatabaseOptions {
  /** How many connections the pool may open (default 10). */
  connections?: number;
}

export interface ServerDatabase {
  /** A pool on the server, with the schema applied. */
  db(): PoolDb;
  /** The server, for another pool: `server().pool(3, 'BEGIN ISOLATION …')`. */
  server(): PostgresServer;
}

/** A PGlite database (one session) for the enclosing file or block. */
export function useDatabase(schema: string,
  { reset }: UseDatabaseOptions = {}): () => PGlite {
  const db = slot<PGlite>('useDatabase(): the PGlite database');
  beforeAll(async () => {
    db.fill(await openDatabase());
    await db.get().exec(schema);
  }, 60_000); // PGlite boots a real PostgreSQL: seconds on a busy CI runner
  afterAll(async () => { await db.empty()?.close(); });
  if (reset !== undefined) {
    beforeEach(async () => { await db.get().exec(reset); });
  }
  return db.get;
}

/**
 * A real PostgreSQL server and a pool on it, for the tests that need
 * several sessions at once (see postgres-server.ts).
 */
export function useServerDatabase(schema: string,
  { reset, connections = 10 }: UseServerDatabaseOptions = {}): ServerDatabase {
  const server = slot<PostgresServer>('useServerDatabase(): the server');
  const db = slot<PoolDb>('useServerDatabase(): the pool');
  beforeAll(async () => {
    server.fill(await startPostgres());
    db.fill(server.get().pool(connections));
    await db.get().exec(schema);
  }, 120_000); // the first start on a machine also runs initdb
  afterAll(async () => {
    db.empty();
    await server.empty()?.stop(); // stop() also ends the pool
  }, 60_000);
  // A test that fails midway can leave a session in a transaction behind
  // a gate that never opens; the next reset would wait for its locks until
  // the hook times out. Ending such sessions makes one failure fail fast.
  afterEach(async () => { await db.get().query(END_STRANDED); });
  if (reset !== undefined) {
    beforeEach(async () => { await db.get().exec(reset); });
  }
  return { db: db.get, server: server.get };
}

/** Ends every other session of the test database that is not idle. */
const END_STRANDED = `SELECT pg_terminate_backend(pid, 5000)
  FROM pg_stat_activity WHERE pid <> pg_backend_pid()
  AND datname = current_database() AND state <> 'idle'`;

/** A value that exists between a beforeAll and its afterAll. */
function slot<T>(what: string) {
  let value: T | undefined;
  let closed = false;
  return {
    get: (): T => {
      if (value !== undefined) return value;
      throw new Error(closed
        ? `${what} is closed: its afterAll has run`
        : `${what} is not open yet: it opens in beforeAll, so call the `
          + 'getter inside a test or a hook, not while the file loads');
    },
    fill: (next: T): void => { value = next; },
    /** Forgets the value and hands it back, for closing. */
    empty: (): T | undefined => {
      const last = value;
      value = undefined;
      closed = true;
      return last;
    },
  };
}
