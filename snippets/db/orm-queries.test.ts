import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  bigOrdersQuery, bigOrdersSql, checkArgs, findCustomerByEmail,
} from './orm-queries.ts';
import { customers, openOrm, ORM_SCHEMA_SQL, seedShop } from './orm-schema.ts';
import { QueryCounter } from './query-counter.ts';
import { useDatabase } from './use-database.ts';

const client = useDatabase(ORM_SCHEMA_SQL,
  { reset: 'TRUNCATE orders, customers RESTART IDENTITY' });
const HOSTILE = "x' OR '1'='1";

describe('the same query, as SQL and through Drizzle', () => {
  it('returns the same rows for every argument set', async () => {
    const db = openOrm(client());
    await seedShop(db, 4, (i) => i + 2);
    for (const args of [
      { customerId: 1, minCents: 0 },
      { customerId: 3, minCents: 2003, limit: 2 },
      { customerId: 4, minCents: 3004, limit: 1 },
      { customerId: 2, minCents: 999_999 },
      { customerId: 77, minCents: 0 },
    ]) {
      const viaSql = await bigOrdersSql(client(), args);
      expect(await bigOrdersQuery(db, args)).toEqual(viaSql);
    }
    expect(await bigOrdersSql(client(), { customerId: 3, minCents: 2003, limit: 2 }))
      .toEqual([
        { id: 9, customerId: 3, totalCents: 4003 },
        { id: 8, customerId: 3, totalCents: 3003 },
      ]);
  });

  it('sends the values as parameters, never in the SQL text', () => {
    const db = openOrm(client());
    const { sql: text, params } = bigOrdersQuery(db,
      { customerId: 12345, minCents: 67890, limit: 42 }).toSQL();
    expect(text).toMatch(/"customer_id" = \$1 and "orders"\."total_cents" >= \$2\)/);
    expect(text).toMatch(/limit \$3$/);
    expect(text).not.toMatch(/12345|67890|42/);
    expect(params).toEqual([12345, 67890, 42]);
  });

  it('refuses bad arguments before any query is sent', async () => {
    const counter = new QueryCounter();
    const db = openOrm(client(), counter);
    const bad = [
      { customerId: 0, minCents: 0 }, { customerId: 1.5, minCents: 0 },
      { customerId: Number.NaN, minCents: 0 }, { customerId: 2 ** 31, minCents: 0 },
      { customerId: 1, minCents: -1 }, { customerId: 1, minCents: 0, limit: 0 },
      { customerId: 1, minCents: 0, limit: 101 },
      { customerId: '1 OR 1=1' as unknown as number, minCents: 0 },
    ];
    const { count } = await counter.measure(async () => {
      for (const args of bad) {
        expect(() => checkArgs(args)).toThrow(RangeError);
        expect(() => bigOrdersQuery(db, args)).toThrow(RangeError);
        await expect(bigOrdersSql(client(), args)).rejects.toThrow(RangeError);
      }
    });
    expect(count).toBe(0);
  });
});

describe('the escape hatch', () => {
  it('finds a customer whatever the case of the address', async () => {
    const db = openOrm(client());
    await seedShop(db, 3);
    expect((await findCustomerByEmail(db, 'C2@EXAMPLE.com'))?.name).toBe('Customer 2');
    expect(await findCustomerByEmail(db, 'nobody@example.com')).toBeUndefined();
  });

  it('keeps an injection string a value inside the sql tag', async () => {
    const db = openOrm(client());
    await seedShop(db, 3);
    expect(await findCustomerByEmail(db, HOSTILE)).toBeUndefined();
    expect(await findCustomerByEmail(db, "'; DROP TABLE customers; --")).toBeUndefined();
    expect(await db.$count(customers)).toBe(3);
  });

  it('is injectable through sql.raw, which pastes text into the query', async () => {
    // The leak the page warns about: the same lookup built with sql.raw.
    const db = openOrm(client());
    await seedShop(db, 3);
    const rows = await db.select().from(customers)
      .where(sql.raw(`email = '${HOSTILE}'`));
    expect(rows).toHaveLength(3); // every customer, not none
  });

  it('refuses an empty or oversized address', async () => {
    const db = openOrm(client());
    await expect(findCustomerByEmail(db, '')).rejects.toThrow(RangeError);
    await expect(findCustomerByEmail(db, `${'a'.repeat(250)}@x.io`)).rejects.toThrow(RangeError);
  });
});
