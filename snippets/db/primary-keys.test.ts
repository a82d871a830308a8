import { describe, expect, it } from 'vitest';
import {
  addCurrency, addPayment, describeError, DuplicateKeyError, KEYS_SCHEMA,
  placeOrder, SERIAL_SCHEMA,
} from './primary-keys.ts';
import type { Session } from './postgres-server.ts';
import { useDatabase } from './use-database.ts';
import { uuidV7Time, uuidVersion } from './uuid-v7.ts';

const AT = new Date(Date.UTC(2026, 11, 2, 9));
const db = useDatabase(KEYS_SCHEMA + SERIAL_SCHEMA, {
  reset: `TRUNCATE orders, payments, currencies, legacy_orders
    RESTART IDENTITY CASCADE`,
});

/** The error a statement fails with, as the driver reports it. */
async function failure(run: Promise<unknown>) {
  try {
    await run;
  } catch (err) {
    return err as { code?: string; constraint?: string };
  }
  throw new Error('expected the statement to fail');
}

describe('an identity key', () => {
  it('is numbered by the database: 1, 2, 3', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await placeOrder(db(), AT));
    expect(ids).toEqual(['1', '2', '3']);
  });

  it('refuses a hand-picked id (GENERATED ALWAYS, SQLSTATE 428C9)', async () => {
    const err = await failure(db().query(
      'INSERT INTO orders (id, placed_at) VALUES (1, $1)', [AT]));
    expect(err.code).toBe('428C9');
  });

  it('never reuses a number, even after a rollback: gaps are normal', async () => {
    await placeOrder(db(), AT);
    await db().transaction(async (tx) => {
      await placeOrder(tx, AT);
      await tx.rollback();
    });
    expect(await placeOrder(db(), AT)).toBe('3');
    const { rows } = await db().query('SELECT id::int FROM orders ORDER BY id');
    expect(rows).toEqual([{ id: 1 }, { id: 3 }]); // 2 was used, then undone
  });
});

describe('a serial key (the older way)', () => {
  it('takes a hand-picked id, and the sequence later collides with it: 23505', async () => {
    await db().query('INSERT INTO legacy_orders (id, placed_at) VALUES (1, $1)', [AT]);
    const err = await failure(db().query(
      'INSERT INTO legacy_orders (placed_at) VALUES ($1)', [AT]));
    expect(err).toMatchObject({ code: '23505', constraint: 'legacy_orders_pkey' });
    expect(describeError(err)).toBe('23505 on legacy_orders_pkey');
  });
});

describe('a UUIDv7 key from the database default', () => {
  it('is version 7, carries the insert time and grows with each insert', async () => {
    const order = await placeOrder(db(), AT);
    const before = Date.now();
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await addPayment(db(), order));
    expect(ids.map(uuidVersion)).toEqual(Array(20).fill(7));
    expect([...ids].sort()).toEqual(ids);
    expect(Math.abs(uuidV7Time(ids[0]!) - before)).toBeLessThan(60_000);
    const { rows } = await db().query<{ id: string }>(
      'SELECT id FROM payments ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(ids); // uuid order = time order
  });

  it('still needs its foreign key checked: no payment for a missing order', async () => {
    const err = await failure(addPayment(db(), '999'));
    expect(err.code).toBe('23503');
  });
});

describe('a natural key', () => {
  it('turns a duplicate into DuplicateKeyError, from the 23505 on the key', async () => {
    await addCurrency(db(), 'EUR', 'Euro');
    const err = await failure(addCurrency(db(), 'EUR', 'Euro again'));
    expect(err).toBeInstanceOf(DuplicateKeyError);
    expect((err as DuplicateKeyError).key).toBe('EUR');
  });

  it('treats a 23505 on another constraint as a bug, not a duplicate key', async () => {
    await addCurrency(db(), 'EUR', 'Euro');
    const err = await failure(addCurrency(db(), 'EUX', 'Euro'));
    expect(err).not.toBeInstanceOf(DuplicateKeyError);
    expect(err).toMatchObject({ code: '23505', constraint: 'currencies_name_key' });
  });

  it('passes other errors through untouched: a missing name is 23502', async () => {
    const err = await failure(addCurrency(db(), 'USD', null as unknown as string));
    expect(err).not.toBeInstanceOf(DuplicateKeyError);
    expect(err.code).toBe('23502');
  });

  it('is NOT NULL without saying so: a primary key implies it', async () => {
    const err = await failure(db().query(
      "INSERT INTO currencies (code, name) VALUES (NULL, 'None')"));
    expect(err.code).toBe('23502');
  });

  it('rejects a malformed code before the database sees it', async () => {
    const untouched: Session = {
      query: () => { throw new Error('the database must not be called'); },
    };
    for (const bad of ['eur', 'EURO', 'E', '', "EU'"]) {
      await expect(addCurrency(untouched, bad, 'x')).rejects.toThrow(RangeError);
    }
  });

  it('is enforced by a unique B-tree index the key created', async () => {
    const { rows } = await db().query<{ indisunique: boolean; indisprimary: boolean }>(
      `SELECT indisunique, indisprimary FROM pg_index
       WHERE indexrelid = 'currencies_pkey'::regclass`);
    expect(rows).toEqual([{ indisunique: true, indisprimary: true }]);
  });
});

describe('index locality', () => {
  it('grows a larger index when keys arrive in random order (v4) than in order (v7)', async () => {
    // The same 10,000 keys twice, so only the order of arrival differs. The
    // "random" order is md5's, fixed, so the sizes are the same every run
    // (uuidv4() itself varies by several pages from run to run).
    await db().exec(`
      CREATE TEMP TABLE keys AS
        SELECT g, md5(g::text)::uuid AS id FROM generate_series(1, 10000) g;
      CREATE TEMP TABLE random_order (id uuid PRIMARY KEY);
      CREATE TEMP TABLE in_order (id uuid PRIMARY KEY);
      INSERT INTO random_order SELECT id FROM keys ORDER BY g;
      INSERT INTO in_order SELECT id FROM keys ORDER BY id;`);
    const { rows: [pages] } = await db().query<{ random: number; ordered: number }>(
      `SELECT pg_relation_size('random_order_pkey')::int / 8192 AS random,
              pg_relation_size('in_order_pkey')::int / 8192 AS ordered`);
    // In order, every split is of the rightmost leaf, which keeps its
    // fillfactor (90%); a split anywhere else leaves two half-full pages.
    expect(pages!.random).toBeGreaterThan(pages!.ordered * 1.1);
    await db().exec('DROP TABLE keys, random_order, in_order');
  });
});
