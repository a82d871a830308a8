import { describe, expect, it } from 'vitest';
import type { Queryable } from './idempotency-keys.ts';
import { consumeOnce, INBOX_SCHEMA, pruneInbox, violates } from './inbox-consumer.ts';
import { waitsForLock } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const T0 = Date.UTC(2026, 0, 1);
interface Credit { id: string; account: string; cents: number; transfer: string }
const MSG: Credit = { id: 'msg-1', account: 'acct_a', cents: 500, transfer: 'tr_1' };
/** The constraint that makes a credit happen once per transfer. */
const ONCE = 'credits_one_per_transfer';
const SCHEMA = `${INBOX_SCHEMA}
  CREATE TABLE IF NOT EXISTS balances (account text PRIMARY KEY, cents int NOT NULL);
  CREATE TABLE IF NOT EXISTS credits (
    transfer text CONSTRAINT credits_one_per_transfer PRIMARY KEY,
    account  text NOT NULL,
    memo     text CONSTRAINT credits_memo_unique UNIQUE);`;
const RESET = "TRUNCATE inbox, balances, credits; INSERT INTO balances VALUES ('acct_a', 0)";

const db = useDatabase(SCHEMA, { reset: RESET });

/** Not idempotent on its own: an increment applied twice is wrong twice. */
async function credit(tx: Queryable, m: Credit) {
  await tx.query('UPDATE balances SET cents = cents + $2 WHERE account = $1', [m.account, m.cents]);
}
/** The same, guarded by a natural key: one credit row per transfer. */
async function creditOncePerTransfer(tx: Queryable, m: Credit) {
  await tx.query('INSERT INTO credits (transfer, account) VALUES ($1, $2)', [m.transfer, m.account]);
  await credit(tx, m);
}
const balance = async (on: Queryable = db()) =>
  (await on.query<{ cents: number }>("SELECT cents FROM balances WHERE account = 'acct_a'")).rows[0]?.cents;
const inboxRows = async (on: Queryable = db()) =>
  (await on.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0]?.n;

describe('consumeOnce', () => {
  it('applies a message once and reports the redelivery as a duplicate', async () => {
    expect(await consumeOnce(db(), 'billing', MSG, T0, credit)).toBe('processed');
    expect(await consumeOnce(db(), 'billing', MSG, T0, credit)).toBe('duplicate');
    expect(await balance()).toBe(500);
  });

  it('keeps one inbox per consumer: each service processes the message once', async () => {
    expect(await consumeOnce(db(), 'billing', MSG, T0, credit)).toBe('processed');
    expect(await consumeOnce(db(), 'analytics', MSG, T0, async () => {})).toBe('processed');
    expect(await consumeOnce(db(), 'analytics', MSG, T0, async () => {})).toBe('duplicate');
  });

  it('records nothing when the effect fails, so the redelivery runs it', async () => {
    await expect(consumeOnce(db(), 'billing', MSG, T0, async (tx, m) => {
      await credit(tx, m);
      throw new Error('downstream timeout');
    })).rejects.toThrow('downstream timeout');
    expect(await balance()).toBe(0);
    expect(await inboxRows()).toBe(0);
    expect(await consumeOnce(db(), 'billing', MSG, T0, credit)).toBe('processed');
    expect(await balance()).toBe(500);
  });

  it('lets a unique constraint catch the same event under a new message id', async () => {
    expect(await consumeOnce(db(), 'billing', MSG, T0, creditOncePerTransfer, ONCE)).toBe('processed');
    const republished = { ...MSG, id: 'msg-1-again' };
    expect(await consumeOnce(db(), 'billing', republished, T0, creditOncePerTransfer, ONCE))
      .toBe('already-applied');
    expect(await balance()).toBe(500); // the increment after the violation never ran
    // The new id is recorded too, so its own redelivery stops at the inbox.
    expect(await consumeOnce(db(), 'billing', republished, T0, creditOncePerTransfer, ONCE))
      .toBe('duplicate');
  });

  it('does not take a violation of another unique constraint for "already applied"', async () => {
    await db().exec("INSERT INTO credits VALUES ('tr_0', 'acct_a', 'memo-7')");
    // A bug in the handler: a new transfer, but a memo that is already used.
    const buggy = async (tx: Queryable, m: Credit) => {
      await tx.query('INSERT INTO credits VALUES ($1, $2, $3)', [m.transfer, m.account, 'memo-7']);
      await credit(tx, m);
    };
    await expect(consumeOnce(db(), 'billing', MSG, T0, buggy, ONCE))
      .rejects.toMatchObject({ code: '23505', constraint: 'credits_memo_unique' });
    expect(await inboxRows()).toBe(0); // not acknowledged: the broker redelivers it
    expect(await balance()).toBe(0);
  });

  it('swallows no unique violation when no constraint is named', async () => {
    await consumeOnce(db(), 'billing', MSG, T0, creditOncePerTransfer);
    await expect(consumeOnce(db(), 'billing', { ...MSG, id: 'msg-2' }, T0, creditOncePerTransfer))
      .rejects.toMatchObject({ code: '23505', constraint: ONCE });
    expect(await inboxRows()).toBe(1);
  });

  it('does not swallow other database errors', async () => {
    await expect(consumeOnce(db(), 'billing', MSG, T0, async (tx) => {
      await tx.query('INSERT INTO credits (transfer, account) VALUES (NULL, $1)', ['acct_a']);
    })).rejects.toMatchObject({ code: '23502' }); // not_null_violation
    expect(await inboxRows()).toBe(0);
  });

  it('rejects a message without an id or a consumer without a name', async () => {
    await expect(consumeOnce(db(), 'billing', { ...MSG, id: '' }, T0, credit)).rejects.toThrow(TypeError);
    await expect(consumeOnce(db(), '', MSG, T0, credit)).rejects.toThrow(TypeError);
    await expect(consumeOnce(db(), 'billing', { ...MSG, id: 'x'.repeat(256) }, T0, credit))
      .rejects.toThrow(TypeError);
  });
});

describe('violates', () => {
  it('matches the SQLSTATE and the constraint name, nothing looser', () => {
    const err = { code: '23505', constraint: ONCE };
    expect(violates(err, ONCE)).toBe(true);
    expect(violates(err, 'credits_memo_unique')).toBe(false);
    expect(violates({ ...err, code: '23503' }, ONCE)).toBe(false); // foreign key
    expect(violates(err, undefined)).toBe(false);
    expect(violates(null, ONCE)).toBe(false);
    expect(violates(new Error('23505'), ONCE)).toBe(false);
  });
});

describe('pruneInbox', () => {
  it('drops only rows older than the cutoff', async () => {
    await consumeOnce(db(), 'billing', MSG, T0, credit);
    await consumeOnce(db(), 'billing', { ...MSG, id: 'msg-2' }, T0 + 1000, credit);
    expect(await pruneInbox(db(), T0 + 1000)).toBe(1);
    expect(await consumeOnce(db(), 'billing', { ...MSG, id: 'msg-2' }, T0, credit)).toBe('duplicate');
  });
});

// Several sessions at once (a real server): PGlite would run the copies one
// after the other, and the inbox's primary key would never be put to work.
describe('on a PostgreSQL server, with copies delivered at the same time', () => {
  const { db: pg, server } = useServerDatabase(SCHEMA,
    { connections: 6, reset: RESET });

  /** A handler that credits, then waits inside its transaction for `open`. */
  function slowCredit() {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => { entered = resolve; });
    const apply = async (tx: Queryable, m: Credit) => {
      await credit(tx, m);
      entered();
      await gate;
    };
    return { apply, inside, open };
  }

  /** What the second copy must be waiting on: the first copy's inbox row. */
  const INBOX_INSERT = [expect.stringMatching(/INSERT INTO inbox/)];

  it('makes the second copy wait for the first one\'s inbox row, then report a duplicate', async () => {
    const first = slowCredit();
    const a = consumeOnce(pg(), 'billing', MSG, T0, first.apply);
    try {
      await first.inside; // A's inbox row is written, not yet committed
      const b = consumeOnce(pg(), 'billing', { ...MSG }, T0, credit);
      expect(await waitsForLock(pg(), b)).toEqual(INBOX_INSERT);
      first.open();
      expect([await a, await b]).toEqual(['processed', 'duplicate']);
    } finally {
      first.open();
    }
    expect(await balance(pg())).toBe(500);
  });

  it('lets the waiting copy run the effect when the first one rolls back', async () => {
    const first = slowCredit();
    const a = consumeOnce(pg(), 'billing', MSG, T0, async (tx, m) => {
      await first.apply(tx, m);
      throw new Error('downstream timeout');
    });
    const aFailed = a.catch((err: Error) => err.message);
    try {
      await first.inside;
      const b = consumeOnce(pg(), 'billing', { ...MSG }, T0, credit);
      expect(await waitsForLock(pg(), b)).toEqual(INBOX_INSERT);
      first.open();
      expect(await aFailed).toBe('downstream timeout');
      expect(await b).toBe('processed');
    } finally {
      first.open();
    }
    expect(await balance(pg())).toBe(500);
    expect(await inboxRows(pg())).toBe(1);
  });

  it('under Repeatable Read, fails the waiting copy with 40001; rerunning the whole transaction finds the duplicate', async () => {
    const rr = server().pool(3, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
    const first = slowCredit();
    const a = consumeOnce(rr, 'billing', MSG, T0, first.apply);
    try {
      await first.inside;
      const b = consumeOnce(rr, 'billing', { ...MSG }, T0, credit);
      const bFailed = b.catch((err: { code?: string }) => err.code);
      expect(await waitsForLock(pg(), b)).toEqual(INBOX_INSERT);
      first.open();
      expect(await a).toBe('processed');
      // The row B waited for was committed after B's snapshot was taken.
      expect(await bFailed).toBe('40001'); // serialization_failure
    } finally {
      first.open();
    }
    // The retry is a new transaction with a new snapshot: it sees the row.
    expect(await consumeOnce(rr, 'billing', { ...MSG }, T0, credit)).toBe('duplicate');
    expect(await balance(pg())).toBe(500);
  });
});
