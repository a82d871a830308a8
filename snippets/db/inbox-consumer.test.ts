import type { PGlite, Transaction } from '@electric-sql/pglite';
import { openDatabase } from './database.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consumeOnce, INBOX_SCHEMA, pruneInbox } from './inbox-consumer.ts';

const T0 = Date.UTC(2026, 0, 1);
interface Credit { id: string; account: string; cents: number; transfer: string }
const MSG: Credit = { id: 'msg-1', account: 'acct_a', cents: 500, transfer: 'tr_1' };

let db: PGlite;

beforeAll(async () => {
  db = await openDatabase();
  await db.exec(`${INBOX_SCHEMA}
    CREATE TABLE balances (account text PRIMARY KEY, cents int NOT NULL);
    CREATE TABLE credits (transfer text PRIMARY KEY, account text NOT NULL);`);
}, 60_000); // PGlite boots a real PostgreSQL: seconds on a busy CI runner
afterAll(async () => { await db.close(); });
beforeEach(async () => {
  await db.exec("TRUNCATE inbox, balances, credits; INSERT INTO balances VALUES ('acct_a', 0)");
});

/** Not idempotent on its own: an increment applied twice is wrong twice. */
async function credit(tx: Transaction, m: Credit) {
  await tx.query('UPDATE balances SET cents = cents + $2 WHERE account = $1', [m.account, m.cents]);
}
/** The same, guarded by a natural key: one credit row per transfer. */
async function creditOncePerTransfer(tx: Transaction, m: Credit) {
  await tx.query('INSERT INTO credits (transfer, account) VALUES ($1, $2)', [m.transfer, m.account]);
  await credit(tx, m);
}
const balance = async () =>
  (await db.query<{ cents: number }>("SELECT cents FROM balances WHERE account = 'acct_a'")).rows[0]?.cents;
const inboxRows = async () =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0]?.n;

describe('consumeOnce', () => {
  it('applies a message once and reports the redelivery as a duplicate', async () => {
    expect(await consumeOnce(db, 'billing', MSG, T0, credit)).toBe('processed');
    expect(await consumeOnce(db, 'billing', MSG, T0, credit)).toBe('duplicate');
    expect(await balance()).toBe(500);
  });

  it('applies a message once when copies are delivered concurrently', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => consumeOnce(db, 'billing', MSG, T0, credit)));
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(4);
    expect(await balance()).toBe(500);
  });

  it('keeps one inbox per consumer: each service processes the message once', async () => {
    expect(await consumeOnce(db, 'billing', MSG, T0, credit)).toBe('processed');
    expect(await consumeOnce(db, 'analytics', MSG, T0, async () => {})).toBe('processed');
    expect(await consumeOnce(db, 'analytics', MSG, T0, async () => {})).toBe('duplicate');
  });

  it('records nothing when the effect fails, so the redelivery runs it', async () => {
    await expect(consumeOnce(db, 'billing', MSG, T0, async (tx, m) => {
      await credit(tx, m);
      throw new Error('downstream timeout');
    })).rejects.toThrow('downstream timeout');
    expect(await balance()).toBe(0);
    expect(await inboxRows()).toBe(0);
    expect(await consumeOnce(db, 'billing', MSG, T0, credit)).toBe('processed');
    expect(await balance()).toBe(500);
  });

  it('lets a unique constraint catch the same event under a new message id', async () => {
    expect(await consumeOnce(db, 'billing', MSG, T0, creditOncePerTransfer)).toBe('processed');
    const republished = { ...MSG, id: 'msg-1-again' };
    expect(await consumeOnce(db, 'billing', republished, T0, creditOncePerTransfer))
      .toBe('already-applied');
    expect(await balance()).toBe(500); // the increment after the violation never ran
    // The new id is recorded too, so its own redelivery stops at the inbox.
    expect(await consumeOnce(db, 'billing', republished, T0, creditOncePerTransfer))
      .toBe('duplicate');
  });

  it('does not swallow other database errors', async () => {
    await expect(consumeOnce(db, 'billing', MSG, T0, async (tx) => {
      await tx.query('INSERT INTO credits (transfer, account) VALUES (NULL, $1)', ['acct_a']);
    })).rejects.toMatchObject({ code: '23502' }); // not_null_violation
    expect(await inboxRows()).toBe(0);
  });

  it('rejects a message without an id or a consumer without a name', async () => {
    await expect(consumeOnce(db, 'billing', { ...MSG, id: '' }, T0, credit)).rejects.toThrow(TypeError);
    await expect(consumeOnce(db, '', MSG, T0, credit)).rejects.toThrow(TypeError);
    await expect(consumeOnce(db, 'billing', { ...MSG, id: 'x'.repeat(256) }, T0, credit))
      .rejects.toThrow(TypeError);
  });
});

describe('pruneInbox', () => {
  it('drops only rows older than the cutoff', async () => {
    await consumeOnce(db, 'billing', MSG, T0, credit);
    await consumeOnce(db, 'billing', { ...MSG, id: 'msg-2' }, T0 + 1000, credit);
    expect(await pruneInbox(db, T0 + 1000)).toBe(1);
    expect(await consumeOnce(db, 'billing', { ...MSG, id: 'msg-2' }, T0, credit)).toBe('duplicate');
  });
});
