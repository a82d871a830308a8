import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolDb, type PoolDb } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { listNotes } from './sql-identifiers.ts';
import {
  addNote, findNotes, findNotesUnsafe, SCHEMA, SEED,
} from './sql-injection.ts';
import { appRoleSql, INSUFFICIENT_PRIVILEGE } from './sql-roles.ts';

const ROLE = 'notes_app';
const RESET = `TRUNCATE notes, users RESTART IDENTITY; ${SEED}`;
const denied = { code: INSUFFICIENT_PRIVILEGE };

describe('appRoleSql', () => {
  it('refuses role names that are not plain identifiers', () => {
    for (const role of ['', 'App', '1app', 'a-b', 'x'.repeat(64),
      'app"; DROP TABLE users; --', 'app; GRANT ALL ON users TO app']) {
      expect(() => appRoleSql(role), role).toThrow(/role must be 1-63/);
    }
  });

  it('quotes a valid name, so reserved words work', () => {
    expect(appRoleSql('user')).toContain('CREATE ROLE "user" LOGIN');
  });
});

// The app logs in as the role, as it would in production: a real server,
// with node-postgres, whose queries without values may stack statements.
describe('the app logged in as a least-privilege role', () => {
  const { db: owner, server } = useServerDatabase(
    SCHEMA + SEED + appRoleSql(ROLE), { reset: RESET, connections: 2 });
  let app!: PoolDb;
  beforeAll(() => {
    const { host, port, database } = server();
    const pool = new pg.Pool({ host, port, database, user: ROLE, max: 2 });
    pool.on('error', () => {});
    app = poolDb(pool);
  });
  afterAll(async () => { await app?.pool.end(); });

  const ownerCount = async (table: string) => (await owner().query<
    { n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  it('is not a superuser and can do its job', async () => {
    const { rows } = await app.query<{ su: boolean }>(
      'SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user');
    expect(rows).toEqual([{ su: false }]);
    const id = await addNote(app, 1, 'New');
    expect(await findNotes(app, 1, 'New')).toEqual([{ id, title: 'New' }]);
    expect(await listNotes(app, 1, { sort: '-title' })).toHaveLength(3);
  });

  it('cannot read password hashes through a UNION probe', async () => {
    await expect(findNotesUnsafe(app, 1,
      "' UNION SELECT id, password_hash FROM users --"))
      .rejects.toMatchObject(denied);
    // Least privilege limits the damage; it does not stop the injection:
    // the columns it may read still leak.
    expect(await findNotesUnsafe(app, 1,
      "' UNION SELECT id, email FROM users --")).toHaveLength(2);
  });

  it('cannot read the hashes from the planner statistics either', async () => {
    await owner().exec('ANALYZE users');
    const { rows } = await app.query<{ attname: string }>(`SELECT attname
      FROM pg_stats WHERE tablename = 'users' ORDER BY attname`);
    // pg_stats shows only the columns the role may SELECT.
    expect(rows.map((r) => r.attname)).toEqual(['email', 'id']);
  });

  it.each([
    ['DROP TABLE users', 'users'],
    ["SELECT setval(pg_get_serial_sequence('notes', 'id'), 1)", 'notes'],
    ['UPDATE users SET password_hash = $$x$$', 'users'],
    ['DELETE FROM notes', 'notes'],
    ['TRUNCATE notes', 'notes'],
    ['RESET ROLE; DROP TABLE users', 'users'],
    ['CREATE TABLE loot AS SELECT * FROM notes', 'notes'],
  ])('refuses a stacked %s with 42501', async (stacked, table) => {
    const before = await ownerCount(table);
    await expect(findNotesUnsafe(app, 1, `'; ${stacked}; --`))
      .rejects.toMatchObject(denied);
    expect(await ownerCount(table)).toBe(before);
  });

  it('keeps what PUBLIC grants every role: a temporary table', async () => {
    // Least privilege covers the app's tables; this is the default that
    // the module's header says to revoke on the database if it matters.
    const rows = await app.transaction(async (tx) => {
      await tx.query(
        'CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT id FROM notes');
      return (await tx.query('SELECT count(*)::int AS n FROM scratch')).rows;
    });
    expect(rows).toEqual([{ n: 4 }]);
  });

  it('would have run the same stacked statement as the owner', async () => {
    await findNotesUnsafe(owner(), 1,
      "'; UPDATE users SET password_hash = 'x'; --");
    const { rows } = await owner().query(
      'SELECT DISTINCT password_hash FROM users');
    expect(rows).toEqual([{ password_hash: 'x' }]);
  });
});

// PGlite's one session is a superuser, so SET ROLE is all it can do: and
// that shows why the app must log in as the role rather than switch to it.
describe('SET ROLE on a privileged connection', () => {
  const db = useDatabase(SCHEMA + SEED + appRoleSql(ROLE));

  it('is undone by one injected SELECT, no stacking needed', async () => {
    await db().exec(`SET ROLE ${ROLE}`);
    const who = async () => (await db().query<{ u: string }>(
      'SELECT current_user AS u')).rows[0]!.u;
    expect(await who()).toBe(ROLE);
    // PGlite's query uses the extended protocol: one statement only, and
    // still set_config('role', 'none') switches back to the superuser.
    await findNotesUnsafe(db(), 1,
      "' UNION SELECT 0, set_config('role', 'none', false) --");
    expect(await who()).toBe('postgres');
  });

  it('denies the role, until injected SQL resets it', async () => {
    await db().exec(`SET ROLE ${ROLE}`);
    await expect(db().exec('DROP TABLE notes')).rejects.toMatchObject({
      ...denied, message: 'must be owner of table notes' });
    // Any user may RESET ROLE: back to the superuser who logged in.
    await db().exec('RESET ROLE; DROP TABLE notes');
    const { rows } = await db().query("SELECT to_regclass('notes') AS t");
    expect(rows).toEqual([{ t: null }]);
  });
});
