import { describe, expect, it } from 'vitest';
import { PRODUCTS_SCHEMA, type Db } from './lost-update.ts';
import type { Session } from './postgres-server.ts';
import { serializable, sqlstate } from './serializable-retry.ts';
import { useServerDatabase } from './use-database.ts';

const SCHEMA = `${PRODUCTS_SCHEMA}
  CREATE TABLE on_call (doctor text PRIMARY KEY, on_call boolean NOT NULL);`;
const RESET = `TRUNCATE products, on_call;
  INSERT INTO products (sku, name, stock) VALUES ('mug', 'Mug', 10);
  INSERT INTO on_call VALUES ('alice', true), ('bob', true);`;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}
const noSleep = { sleep: async () => {}, backoff: () => 0 };

/** Read the stock, wait for `go` on the first try only, write stock - 1. */
function takeOne(go: Promise<void>, reads: number[], reached: () => void) {
  return async (tx: Session) => {
    const { rows: [row] } = await tx.query<{ stock: number }>(
      "SELECT stock FROM products WHERE sku = 'mug'");
    reads.push(row!.stock);
    reached();
    await go;
    await tx.query("UPDATE products SET stock = $1 WHERE sku = 'mug'",
      [row!.stock - 1]);
  };
}

/** Go off call if someone else is still on call: the write-skew example. */
function goOffCall(doctor: string, go: Promise<void>, reached: () => void) {
  return async (tx: Session) => {
    const { rows: [row] } = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM on_call WHERE on_call');
    reached();
    await go;
    if (row!.n < 2) return false;
    await tx.query('UPDATE on_call SET on_call = false WHERE doctor = $1',
      [doctor]);
    return true;
  };
}


describe('on a real server, two connections', () => {
  const { db } = useServerDatabase(SCHEMA, { reset: RESET });
  const stock = async () => (await db().query<{ stock: number }>(
    "SELECT stock FROM products WHERE sku = 'mug'")).rows[0]?.stock;

  it('the read-modify-write that lost an update fails with 40001 instead', async () => {
    const go = gate();
    const [a, b] = [gate(), gate()];
    const reads: number[] = [];
    const runs = [a, b].map((g) => serializable(db(),
      takeOne(go.opened, reads, g.open), { maxAttempts: 1 }));
    await Promise.all([a.opened, b.opened]);
    expect(reads).toEqual([10, 10]);
    go.open();
    const settled = await Promise.allSettled(runs);
    const failed = settled.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(sqlstate((failed[0] as PromiseRejectedResult).reason))
      .toBe('40001');
    expect(await stock()).toBe(9); // only the winner wrote
  });

  it('with retries, the loser runs again on fresh data and both count', async () => {
    const go = gate();
    const [a, b] = [gate(), gate()];
    const reads: number[] = [];
    const retries: string[] = [];
    const runs = [a, b].map((g) => serializable(db(),
      takeOne(go.opened, reads, g.open),
      { ...noSleep, onRetry: (_, code) => retries.push(code) }));
    await Promise.all([a.opened, b.opened]);
    go.open();
    await Promise.all(runs);
    expect(retries).toEqual(['40001']);
    expect(reads).toEqual([10, 10, 9]); // the retry read the new stock
    expect(await stock()).toBe(8);
  });

  it('write skew: Repeatable Read lets both doctors leave; Serializable does not', async () => {
    const repeatable: Db = {
      query: (sql, params) => db().query(sql, params),
      transaction: (work) => db().transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        return work(tx);
      }),
    };
    const race = async (run: (who: string, w: ReturnType<typeof goOffCall>)
      => Promise<boolean>) => {
      const go = gate();
      const [a, b] = [gate(), gate()];
      const results = ['alice', 'bob'].map((who, i) =>
        run(who, goOffCall(who, go.opened, [a, b][i]!.open)));
      await Promise.all([a.opened, b.opened]);
      go.open();
      return Promise.all(results);
    };
    const onCall = async () => (await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM on_call WHERE on_call')).rows[0]?.n;

    expect(await race((_, work) => repeatable.transaction(work)))
      .toEqual([true, true]);
    expect(await onCall()).toBe(0); // the rule "one stays" is broken

    await db().exec('UPDATE on_call SET on_call = true');
    const left = await race((_, work) => serializable(db(), work, noSleep));
    expect(left.filter(Boolean)).toHaveLength(1);
    expect(await onCall()).toBe(1);
  });
});

describe('the retry policy', () => {
  const failing = (codes: (string | undefined)[]) => {
    let calls = 0;
    const db: Db = {
      query: async () => ({ rows: [] }),
      async transaction(work) {
        const code = codes[calls++];
        if (code !== undefined) {
          throw Object.assign(new Error(`failed ${code}`), { code });
        }
        return work({ query: async () => ({ rows: [] }) });
      },
    };
    return { db, calls: () => calls };
  };

  it('retries 40001 and 40P01 with the backoff it is given', async () => {
    const { db, calls } = failing(['40001', '40P01']);
    const waits: number[] = [];
    const result = await serializable(db, async () => 'ok', {
      backoff: (n) => n * 100,
      sleep: async (ms) => { waits.push(ms); },
    });
    expect(result).toBe('ok');
    expect(calls()).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { db, calls } = failing(['40001', '40001', '40001', '40001']);
    await expect(serializable(db, async () => 'ok',
      { ...noSleep, maxAttempts: 3 })).rejects.toMatchObject({ code: '40001' });
    expect(calls()).toBe(3);
  });

  it('never retries other errors: a constraint violation, a bug', async () => {
    for (const code of ['23505', '23514', '57014']) {
      const { db, calls } = failing([code]);
      await expect(serializable(db, async () => 'ok', noSleep))
        .rejects.toMatchObject({ code });
      expect(calls()).toBe(1);
    }
    let calls = 0;
    const { db } = failing([]);
    await expect(serializable(db, async () => {
      calls++;
      throw new TypeError('bug');
    }, noSleep)).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('refuses a nonsense number of attempts', async () => {
    const { db } = failing([]);
    for (const maxAttempts of [0, 11, 1.5, Number.NaN]) {
      await expect(serializable(db, async () => 1, { maxAttempts }))
        .rejects.toThrow(RangeError);
    }
  });

  it('reads a SQLSTATE only from a string code', () => {
    expect(sqlstate({ code: '40001' })).toBe('40001');
    expect(sqlstate({ code: 40001 })).toBeUndefined();
    expect(sqlstate(null)).toBeUndefined();
    expect(sqlstate('40001')).toBeUndefined();
  });
});
