import { getTableConfig } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import {
  customers, openOrm, orders, ORM_SCHEMA_SQL, seedShop,
} from './orm-schema.ts';
import { useDatabase } from './use-database.ts';

const client = useDatabase(ORM_SCHEMA_SQL,
  { reset: 'TRUNCATE orders, customers RESTART IDENTITY' });

describe('the Drizzle declarations and the SQL schema', () => {
  it('name the same columns with the same types and nullability', async () => {
    for (const table of [customers, orders]) {
      const config = getTableConfig(table);
      const { rows } = await client().query<{ name: string; type: string; not_null: boolean }>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type,
                attnotnull AS not_null
           FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
          ORDER BY attnum`, [config.name]);
      expect(rows.map((r) => [r.name, r.type, r.not_null]))
        .toEqual(config.columns.map((c) => [c.name, c.getSQLType(), c.notNull]));
    }
  });

  it('declare the same unique columns and foreign keys', async () => {
    for (const table of [customers, orders]) {
      const config = getTableConfig(table);
      const { rows } = await client().query<{ kind: string; cols: string; target: string }>(
        `SELECT contype AS kind, confrelid::regclass::text AS target,
                (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
                  WHERE attrelid = conrelid AND attnum = ANY (conkey)) AS cols
           FROM pg_constraint
          WHERE conrelid = $1::regclass AND contype IN ('u', 'f')
          ORDER BY contype, cols`, [config.name]);
      const declared = [
        ...config.foreignKeys.map((fk) => {
          const { columns, foreignTable } = fk.reference();
          return ['f', columns.map((c) => c.name).join(','),
            getTableConfig(foreignTable).name];
        }),
        ...config.columns.filter((c) => c.isUnique).map((c) => ['u', c.name, '-']),
      ];
      expect(rows.map((r) => [r.kind, r.cols, r.target])).toEqual(declared);
    }
  });

  it('declare the same index and check constraint', async () => {
    const config = getTableConfig(orders);
    const { rows: indexes } = await client().query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'orders'");
    for (const index of config.indexes) {
      expect(indexes.map((r) => r.indexname)).toContain(index.config.name);
    }
    const { rows: checks } = await client().query<{ conname: string }>(
      "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = 'orders'::regclass");
    expect(checks.map((r) => r.conname)).toEqual(config.checks.map((c) => c.name));
  });
});

describe('the database, not the ORM, enforces the rules', () => {
  it('rejects a negative total sent through Drizzle (23514)', async () => {
    const db = openOrm(client());
    await seedShop(db, 1, () => 0);
    const error = await db.insert(orders).values({ customerId: 1, totalCents: -1 })
      .then(() => undefined, (e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('23514');
  });

  it('rejects an order for a customer that does not exist (23503)', async () => {
    const db = openOrm(client());
    const error = await db.insert(orders).values({ customerId: 99, totalCents: 1 })
      .then(() => undefined, (e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('23503');
  });
});

describe('seedShop', () => {
  it('creates the customers and orders asked for', async () => {
    const db = openOrm(client());
    await seedShop(db, 4, (i) => i);
    expect(await db.$count(customers)).toBe(4);
    expect(await db.$count(orders)).toBe(0 + 1 + 2 + 3);
  });

  it('accepts zero customers and refuses bad counts', async () => {
    const db = openOrm(client());
    await seedShop(db, 0);
    expect(await db.$count(customers)).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN, 1001]) {
      await expect(seedShop(db, bad)).rejects.toThrow(RangeError);
    }
  });
});
