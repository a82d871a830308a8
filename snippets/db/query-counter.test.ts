import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { customers, openOrm, ORM_SCHEMA_SQL } from './orm-schema.ts';
import { KEPT_STATEMENTS, QueryBudgetError, QueryCounter } from './query-counter.ts';
import { useDatabase } from './use-database.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('QueryCounter without a database', () => {
  it('counts only what runs inside measure()', async () => {
    const counter = new QueryCounter();
    counter.logQuery('select 0');
    const { count, statements, result } = await counter.measure(async () => {
      counter.logQuery('select 1');
      await Promise.resolve();
      counter.logQuery('select 2');
      return 'done';
    });
    counter.logQuery('select 3');
    expect({ count, statements, result })
      .toEqual({ count: 2, statements: ['select 1', 'select 2'], result: 'done' });
  });

  it('keeps two interleaved measurements apart', async () => {
    // A holds between its first and second query while B runs all of its.
    const counter = new QueryCounter();
    const gate = deferred();
    const a = counter.measure(async () => {
      counter.logQuery('a1');
      await gate.promise;
      counter.logQuery('a2');
    });
    const b = counter.measure(async () => {
      for (const q of ['b1', 'b2', 'b3']) counter.logQuery(q);
    });
    const tallyB = await b;
    gate.resolve();
    const tallyA = await a;
    expect(tallyA.statements).toEqual(['a1', 'a2']);
    expect(tallyB.statements).toEqual(['b1', 'b2', 'b3']);
  });

  it('adds an inner measurement to the outer one', async () => {
    const counter = new QueryCounter();
    const outer = await counter.measure(async () => {
      counter.logQuery('outer');
      const inner = await counter.measure(async () => { counter.logQuery('inner'); });
      expect(inner.count).toBe(1);
    });
    expect(outer.statements).toEqual(['outer', 'inner']);
  });

  it('never keeps the parameters', async () => {
    const counter = new QueryCounter();
    const secret = 'hunter2-password';
    const error = await counter.expectAtMost(0, async () => {
      counter.logQuery('update users set password = $1', [secret]);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryBudgetError);
    expect(JSON.stringify(error) + String(error)).not.toContain(secret);
    expect((error as QueryBudgetError).tally.statements)
      .toEqual(['update users set password = $1']);
  });

  it(`counts every statement but keeps the first ${KEPT_STATEMENTS}`, async () => {
    const counter = new QueryCounter();
    const { count, statements } = await counter.measure(async () => {
      for (let i = 0; i < KEPT_STATEMENTS + 10; i++) counter.logQuery(`select ${i}`);
    });
    expect(count).toBe(KEPT_STATEMENTS + 10);
    expect(statements).toHaveLength(KEPT_STATEMENTS);
  });

  it('expectAtMost returns the result within budget and refuses a bad budget', async () => {
    const counter = new QueryCounter();
    expect(await counter.expectAtMost(1, async () => {
      counter.logQuery('select 1');
      return 7;
    })).toBe(7);
    for (const bad of [-1, 0.5, Number.NaN]) {
      await expect(counter.expectAtMost(bad, async () => 1)).rejects.toThrow(RangeError);
    }
  });
});

describe('QueryCounter as a Drizzle logger', () => {
  const client = useDatabase(ORM_SCHEMA_SQL);

  it('counts a lazy Drizzle query that is only awaited by measure()', async () => {
    const counter = new QueryCounter();
    const db = openOrm(client(), counter);
    // The builder sends nothing until awaited; measure() must await it inside.
    const { count, result } = await counter.measure(() => db.select().from(customers));
    expect(count).toBe(1);
    expect(result).toEqual([]);
  });

  it('keeps two concurrent requests on one database apart', async () => {
    const counter = new QueryCounter();
    const db = openOrm(client(), counter);
    const request = (n: number) => counter.measure(async () => {
      for (let i = 0; i < n; i++) await db.select().from(customers);
    });
    const [a, b] = await Promise.all([request(3), request(5)]);
    expect([a.count, b.count]).toEqual([3, 5]);
  });

  it('counts each statement of a transaction but not BEGIN and COMMIT', async () => {
    const counter = new QueryCounter();
    const db = openOrm(client(), counter);
    const { count } = await counter.measure(() => db.transaction(async (tx) => {
      await tx.insert(customers).values({ email: 'a@example.com', name: 'A' });
      await tx.select().from(customers);
    }));
    expect(count).toBe(2);
  });
});

it('works with a second database too (one counter per database)', async () => {
  const other = await openDatabase();
  try {
    await other.exec(ORM_SCHEMA_SQL);
    const counter = new QueryCounter();
    const db = openOrm(other, counter);
    await expect(counter.expectAtMost(1, async () => {
      await db.select().from(customers);
      await db.select().from(customers);
    })).rejects.toThrow(/expected at most 1 queries, got 2/);
  } finally {
    await other.close();
  }
});
