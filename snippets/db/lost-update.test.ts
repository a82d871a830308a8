import { describe, expect, it } from 'vitest';
import {
  NotFoundError, PRODUCTS_SCHEMA, reserve, updateStockLocked,
  updateStockUnsafe, type Change, type Db,
} from './lost-update.ts';
import { waitsForLock } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const RESET = `TRUNCATE products;
  INSERT INTO products (sku, name, stock) VALUES ('mug', 'Mug', 10);`;

const stockOf = async (db: Db, sku = 'mug') =>
  (await db.query<{ stock: number }>(
    'SELECT stock FROM products WHERE sku = $1', [sku])).rows[0]?.stock;

/** A promise the test resolves by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}

/**
 * "Take one", but it stops after the read until the test opens `wait`,
 * and says what it read through `seen`.
 */
function takeOneAfter(wait: Promise<void>) {
  const seen = gate();
  let read: number | undefined;
  const change: Change = async (stock) => {
    read = stock;
    seen.open();
    await wait;
    return stock - 1;
  };
  return { change, reached: seen.opened, read: () => read };
}


describe('on a real server, two connections', () => {
  const { db } = useServerDatabase(PRODUCTS_SCHEMA, { reset: RESET });

  it('read-modify-write in a transaction loses one of two updates', async () => {
    const go = gate();
    const a = takeOneAfter(go.opened);
    const b = takeOneAfter(go.opened);
    const first = updateStockUnsafe(db(), 'mug', a.change);
    const second = updateStockUnsafe(db(), 'mug', b.change);
    // Both reads finish before either write: nothing made B wait.
    await Promise.all([a.reached, b.reached]);
    expect([a.read(), b.read()]).toEqual([10, 10]);
    go.open();
    expect(await Promise.all([first, second])).toEqual([9, 9]);
    expect(await stockOf(db())).toBe(9); // two taken, one recorded
  });

  it('SELECT ... FOR UPDATE makes the second reader wait, and both count', async () => {
    const go = gate();
    const a = takeOneAfter(go.opened);
    const b = takeOneAfter(Promise.resolve());
    const first = updateStockLocked(db(), 'mug', a.change);
    await a.reached; // A holds the row lock, paused before its write
    const second = updateStockLocked(db(), 'mug', b.change);
    const waited = await waitsForLock(db(), second);
    expect(waited.join()).toMatch(/FOR UPDATE/);
    expect(b.read()).toBeUndefined(); // B has not read anything yet
    go.open();
    expect(await Promise.all([first, second])).toEqual([9, 8]);
    expect(b.read()).toBe(9); // B read A's committed write
    expect(await stockOf(db())).toBe(8);
  });

  it('the lock ends with the transaction: a rollback lets the waiter read the old value', async () => {
    const go = gate();
    const locked = gate();
    const first = updateStockLocked(db(), 'mug', async () => {
      locked.open();
      await go.opened;
      throw new Error('payment declined');
    });
    const b = takeOneAfter(Promise.resolve());
    await locked.opened;
    const second = updateStockLocked(db(), 'mug', b.change);
    expect((await waitsForLock(db(), second)).length).toBe(1);
    go.open();
    await expect(first).rejects.toThrow('payment declined');
    expect(await second).toBe(9);
    expect(await stockOf(db())).toBe(9);
  });

  it('a single conditional UPDATE waits for the row, then re-checks it', async () => {
    await db().query("UPDATE products SET stock = 1 WHERE sku = 'mug'");
    const go = gate();
    const updated = gate();
    const held = db().transaction(async (tx) => {
      const left = await reserve(tx, 'mug', 1);
      updated.open();
      await go.opened; // uncommitted: stock is 0 only inside this transaction
      return left;
    });
    await updated.opened;
    const other = reserve(db(), 'mug', 1);
    expect((await waitsForLock(db(), other)).join()).toMatch(/UPDATE products/);
    go.open();
    expect(await held).toBe(0);
    expect(await other).toBeUndefined(); // WHERE stock >= 1 re-checked on 0
    expect(await stockOf(db())).toBe(0);
  });

  it('twenty concurrent reservations of 1 sell exactly the ten in stock', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => reserve(db(), 'mug', 1)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(10);
    expect(results.filter((r) => r === undefined)).toHaveLength(10);
    expect(new Set(results.filter((r) => r !== undefined)).size).toBe(10);
    expect(await stockOf(db())).toBe(0);
  });
});

describe('on PGlite, one session', () => {
  const db = useDatabase(PRODUCTS_SCHEMA, { reset: RESET });

  it('reserve refuses more than is left and leaves the stock alone', async () => {
    expect(await reserve(db(), 'mug', 4)).toBe(6);
    expect(await reserve(db(), 'mug', 7)).toBeUndefined();
    expect(await reserve(db(), 'mug', 6)).toBe(0);
    expect(await stockOf(db())).toBe(0);
  });

  it('reserve on a missing product returns undefined', async () => {
    expect(await reserve(db(), 'nope', 1)).toBeUndefined();
  });

  it('the read-modify-write helpers say when the product is missing', async () => {
    await expect(updateStockUnsafe(db(), 'nope', (s) => s - 1))
      .rejects.toThrow(NotFoundError);
    await expect(updateStockLocked(db(), 'nope', (s) => s - 1))
      .rejects.toThrow(NotFoundError);
  });

  it('a change that goes negative or is not an integer writes nothing', async () => {
    await expect(updateStockLocked(db(), 'mug', (s) => s - 11))
      .rejects.toThrow(RangeError);
    await expect(updateStockUnsafe(db(), 'mug', () => 1.5))
      .rejects.toThrow(RangeError);
    expect(await stockOf(db())).toBe(10);
  });

  it('rejects bad input before the database sees it', async () => {
    await expect(reserve(db(), 'mug', 0)).rejects.toThrow(RangeError);
    await expect(reserve(db(), 'mug', 1.5)).rejects.toThrow(RangeError);
    await expect(reserve(db(), 'mug', 10_001)).rejects.toThrow(RangeError);
    await expect(reserve(db(), "mug' OR 1=1 --", 1)).rejects.toThrow(TypeError);
    await expect(reserve(db(), '', 1)).rejects.toThrow(TypeError);
  });
});
