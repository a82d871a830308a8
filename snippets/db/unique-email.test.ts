import { afterEach, describe, expect, it } from 'vitest';
import { createRegistrationApp } from '../security/registration.ts';
import {
  AUTH_SCHEMA, createUser, EmailTakenError, MAX_EMAIL, type NewUser,
  normalizeEmail,
} from '../security/user-store.ts';
import { waitsForLock, type Session } from './postgres-server.ts';
import {
  checkEmail, CITEXT_SCHEMA, COLLATION_SCHEMA, subscribe, SUBSCRIBERS_SCHEMA,
} from './unique-email.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

/** A promise and the function that settles it: how a test holds a step. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((ok, fail) => { resolve = ok; reject = fail; });
  return { promise, resolve, reject };
}

let ids = 0;
const user = (email: string): NewUser => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  email, passwordHash: '$argon2id$stub', createdAt: new Date(0),
});
const count = async (db: Session, table: string) => (await db.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

describe('subscribe (one session, PGlite)', () => {
  const db = useDatabase(SUBSCRIBERS_SCHEMA, {
    reset: 'TRUNCATE subscribers RESTART IDENTITY',
  });

  it('creates the row once; a repeat in any case returns the same id', async () => {
    expect(await subscribe(db(), 'Ann.Lee@Example.com'))
      .toEqual({ id: '1', created: true });
    expect(await subscribe(db(), '  ann.lee@EXAMPLE.COM '))
      .toEqual({ id: '1', created: false });
    expect(await count(db(), 'subscribers')).toBe(1);
  });

  it('stores the address as sign-up does (Q35): local part as typed, domain lowercased', async () => {
    await subscribe(db(), ' Ann.Lee@Example.COM');
    await subscribe(db(), 'ann.lee@example.com');
    const { rows } = await db().query('SELECT email FROM subscribers');
    expect(rows).toEqual([{ email: normalizeEmail(' Ann.Lee@Example.COM') }]);
    expect(rows).toEqual([{ email: 'Ann.Lee@example.com' }]);
  });

  it('inserts again when the row it collided with is deleted before its SELECT', async () => {
    await subscribe(db(), 'ann@example.com'); // id 1
    // Another session deletes the row between the INSERT and the SELECT.
    let deletes = 0;
    const deleting: Session = {
      async query(sql, params) {
        if (sql.trimStart().startsWith('SELECT') && deletes++ === 0) {
          await db().query('DELETE FROM subscribers');
        }
        return db().query(sql, params);
      },
    };
    expect(await subscribe(deleting, 'ANN@example.com'))
      .toEqual({ id: '3', created: true }); // id 2 went to the skipped insert
    expect(await count(db(), 'subscribers')).toBe(1);
  });

  it('gives up, rather than loop, when the row is deleted every time', async () => {
    // Each INSERT finds the row, each SELECT finds it gone again.
    const flapping: Session = {
      async query(sql, params) {
        await db().query(sql.trimStart().startsWith('SELECT')
          ? 'DELETE FROM subscribers'
          : "INSERT INTO subscribers (email) VALUES ('bob@example.com')");
        return db().query(sql, params);
      },
    };
    await expect(subscribe(flapping, 'bob@example.com')).rejects
      .toThrow(/kept vanishing/);
  });

  it('skips only the email conflict: a duplicate id still raises 23505', async () => {
    await db().query(`INSERT INTO subscribers (id, email)
      OVERRIDING SYSTEM VALUE VALUES (1, 'first@example.com')`);
    await expect(subscribe(db(), 'second@example.com')).rejects
      .toMatchObject({ code: '23505', constraint: 'subscribers_pkey' });
  });

  it('uses a sequence number even when it skips: ids have gaps', async () => {
    await subscribe(db(), 'a@example.com');
    await subscribe(db(), 'A@example.com');
    expect(await subscribe(db(), 'b@example.com')).toEqual({ id: '3', created: true });
  });

  it('refuses malformed or oversized input before any query', async () => {
    const untouched: Session = {
      query: () => { throw new Error('the database must not be called'); },
    };
    // 64 octets of local part and 254 in all: the longest RFC 5321 allows.
    const domain = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(63)}.com`;
    const longest = `${'a'.repeat(64)}@${domain}`;
    const long = `${'a'.repeat(64)}@e${domain}`;
    for (const bad of ['', 'no-at-sign', '@example.com', 'ann@', long,
      `${'a'.repeat(65)}@example.com`, 'änn@example.com', 'ann@exämple.com',
      'ann@example.com\r\nBcc: eve@example.com']) {
      await expect(subscribe(untouched, bad)).rejects.toThrow(RangeError);
    }
    await expect(subscribe(untouched, 42 as unknown as string)).rejects.toThrow(TypeError);
    expect(checkEmail(longest)).toHaveLength(MAX_EMAIL);
    expect(() => checkEmail('ann.lee@')).toThrow(/^((?!ann).)*$/); // no echo
  });
});

// Two sessions at once: only a real server can show one waiting on another.
describe('two sessions insert the same address (real PostgreSQL)', () => {
  const { db } = useServerDatabase(
    `${AUTH_SCHEMA}; ${SUBSCRIBERS_SCHEMA}; ${CITEXT_SCHEMA}; ${COLLATION_SCHEMA};
     CREATE TABLE naive_users (email text NOT NULL);`,
    { reset: `TRUNCATE users, subscribers, members_citext, members_icu,
      naive_users CASCADE` });

  /**
   * Runs `work` in a transaction that stays open until released. A test
   * that fails first leaves it to afterEach, which rolls it back, so one
   * failure cannot hold locks that make the next tests hang.
   */
  const open = new Set<(how: 'commit' | 'rollback') => void>();
  afterEach(async () => {
    for (const release of open) release('rollback');
    await Promise.all(pending.splice(0));
  });
  const pending: Promise<unknown>[] = [];
  function hold<T>(work: (tx: Session) => Promise<T>) {
    const started = deferred<T>();
    const release = deferred<'commit' | 'rollback'>();
    open.add(release.resolve);
    const done = db().transaction(async (tx) => {
      started.resolve(await work(tx).catch((err: unknown) => {
        started.reject(err);
        throw err;
      }));
      if (await release.promise === 'rollback') throw new Error('rolled back');
    }).catch((err: Error) => {
      if (err.message !== 'rolled back') throw err;
    }).finally(() => open.delete(release.resolve));
    pending.push(done.catch(() => {}));
    return { started: started.promise, release: release.resolve, done };
  }
  const holdInsert = (email: string) => hold((tx) => createUser(tx, user(email)));

  it('makes the second wait for the first, then fail with 23505 when it commits', async () => {
    const first = holdInsert('Ann.Lee@example.com');
    await first.started;
    const second = createUser(db(), user('ann.lee@EXAMPLE.com'));
    const waited = await waitsForLock(db(), second);
    expect(waited.join()).toMatch(/INSERT INTO users/);
    first.release('commit');
    await first.done;
    await expect(second).rejects.toBeInstanceOf(EmailTakenError);
    expect(await count(db(), 'users')).toBe(1);
  });

  it('lets the second in when the first rolls back', async () => {
    const first = holdInsert('Ann.Lee@example.com');
    await first.started;
    const second = createUser(db(), user('ann.lee@EXAMPLE.com'));
    expect(await waitsForLock(db(), second)).not.toEqual([]);
    first.release('rollback');
    await first.done;
    await expect(second).resolves.toMatchObject({ email: 'ann.lee@EXAMPLE.com' });
    const { rows } = await db().query('SELECT email FROM users');
    expect(rows).toEqual([{ email: 'ann.lee@EXAMPLE.com' }]);
  });

  it('answers 201 to one sign-up and 409 to the other when both race', async () => {
    const bothHashing = deferred();
    let hashing = 0;
    const app = createRegistrationApp({
      db: db(), log: () => {}, isBlocked: () => false,
      // Neither request inserts until both have passed every check.
      hash: async () => {
        if (++hashing === 2) bothHashing.resolve();
        await bothHashing.promise;
        return '$argon2id$stub';
      },
    });
    const signUp = (email: string) => app.request('/users', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery staple' }),
    });
    const responses = await Promise.all([
      signUp('Ann.Lee@example.com'), signUp('ann.lee@EXAMPLE.com')]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await count(db(), 'users')).toBe(1);
  });

  it('shows why a SELECT first does not help: both sessions see no row', async () => {
    const bothChecked = deferred();
    let checked = 0;
    const checkThenInsert = (table: string, email: string) =>
      db().transaction(async (tx) => {
        const { rows } = await tx.query(
          `SELECT 1 FROM ${table} WHERE lower(email) = lower($1)`, [email]);
        if (++checked % 2 === 0) bothChecked.resolve();
        await bothChecked.promise; // both have checked before either inserts
        if (rows.length > 0) return 'taken';
        await tx.query(`INSERT INTO ${table} (email) VALUES ($1)`, [email]);
        return 'inserted';
      });
    const naive = await Promise.all([
      checkThenInsert('naive_users', 'ann@example.com'),
      checkThenInsert('naive_users', 'ANN@example.com')]);
    expect(naive).toEqual(['inserted', 'inserted']);
    expect(await count(db(), 'naive_users')).toBe(2); // the duplicate got in
  });

  it('makes ON CONFLICT wait too, then return the row the other committed', async () => {
    const first = hold((tx) => subscribe(tx, 'Ann.Lee@example.com'));
    const a = await first.started;
    const second = subscribe(db(), 'ann.lee@EXAMPLE.com');
    expect((await waitsForLock(db(), second)).join()).toMatch(/ON CONFLICT/);
    first.release('commit');
    await first.done;
    expect(await second).toEqual({ id: a.id, created: false });
    expect(await count(db(), 'subscribers')).toBe(1);
  });

  it('rejects a second address in another case with citext and with ICU', async () => {
    for (const table of ['members_citext', 'members_icu']) {
      await db().query(`INSERT INTO ${table} (email) VALUES ('Ann@Example.com')`);
      await expect(db().query(
        `INSERT INTO ${table} (email) VALUES ('ann@EXAMPLE.COM')`)).rejects
        .toMatchObject({ code: '23505', constraint: `${table}_email_key` });
      const { rows } = await db().query(
        `SELECT email FROM ${table} WHERE email = 'ANN@example.com'`);
      expect(rows).toEqual([{ email: 'Ann@Example.com' }]);
    }
    const { rows } = await db().query(`SELECT email FROM members_citext
      WHERE email LIKE 'ann@%' AND email ~ '^ANN'`); // citext: these too
    expect(rows).toEqual([{ email: 'Ann@Example.com' }]);
  });

  it('folds only ASCII letters in lower() under the C locale this server uses', async () => {
    const { rows } = await db().query(`SELECT datctype, lower('ÄNN@EXAMPLE.COM')
      FROM pg_database WHERE datname = current_database()`);
    // So Änn@ and änn@ would be two rows: one reason sign-up takes ASCII only.
    expect(rows).toEqual([{ datctype: 'C', lower: 'Änn@example.com' }]);
  });

  it('allows LIKE on the ICU column (PostgreSQL 18), but not ILIKE or regexes', async () => {
    await db().query("INSERT INTO members_icu (email) VALUES ('Ann@Example.com')");
    const { rows } = await db().query(
      "SELECT email FROM members_icu WHERE email LIKE 'ann@%'");
    expect(rows).toEqual([{ email: 'Ann@Example.com' }]);
    for (const op of ["ILIKE 'ann@%'", "~ '^ann'"]) {
      await expect(db().query(`SELECT 1 FROM members_icu WHERE email ${op}`))
        .rejects.toMatchObject({ code: '0A000' });
    }
  });
});
