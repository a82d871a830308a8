import { describe, expect, it } from 'vitest';
import { insertProduct, PRODUCTS, type Insert } from './table-basics.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const db = useDatabase(PRODUCTS,
  { reset: 'TRUNCATE products RESTART IDENTITY' });
const MUG = { sku: 'MUG-1', name: 'Mug', price_cents: 900 };

const count = async () => (await db().query<{ n: number }>(
  'SELECT count(*)::int AS n FROM products')).rows[0]!.n;

/** What the table said, in the fields a test cares about. */
function refusal(result: Insert) {
  if (result.ok) throw new Error('expected the row to be refused');
  const { code, condition, constraint, column } = result.rejected;
  return { code, condition, on: constraint ?? column };
}

describe('insertProduct', () => {
  it('stores a good row and fills the columns left out from DEFAULT',
    async () => {
      const before = (await db().query<{ t: Date }>('SELECT now() AS t'))
        .rows[0]!.t;
      const result = await insertProduct(db(), MUG);
      if (!result.ok) throw new Error(`refused: ${result.rejected.code}`);
      expect(result.product).toMatchObject(
        { id: 1, sku: 'MUG-1', name: 'Mug', price_cents: 900, stock: 0 });
      expect(result.product.created_at.getTime())
        .toBeGreaterThanOrEqual(before.getTime());
      expect(result.product.created_at.getTime())
        .toBeLessThanOrEqual(Date.now() + 1_000);
    });

  it('refuses a missing NOT NULL column with 23502', async () => {
    expect(refusal(await insertProduct(db(), { sku: 'A', price_cents: 1 })))
      .toEqual({ code: '23502', condition: 'not_null_violation', on: 'name' });
    expect(refusal(await insertProduct(db(), {})))
      .toEqual({ code: '23502', condition: 'not_null_violation', on: 'sku' });
  });

  it('does not apply a DEFAULT to an explicit null', async () => {
    expect(refusal(await insertProduct(db(), { ...MUG, stock: null })))
      .toEqual({ code: '23502', condition: 'not_null_violation', on: 'stock' });
  });

  it('refuses each CHECK by its constraint name with 23514', async () => {
    const check = async (row: Record<string, unknown>) =>
      refusal(await insertProduct(db(), { ...MUG, ...row }));
    const violation = (on: string) =>
      ({ code: '23514', condition: 'check_violation', on });
    expect(await check({ name: '' })).toEqual(violation('name_not_blank'));
    expect(await check({ name: ' \t\n ' })).toEqual(violation('name_not_blank'));
    expect(await check({ name: 'x'.repeat(201) }))
      .toEqual(violation('name_length'));
    expect(await check({ price_cents: -1 }))
      .toEqual(violation('price_not_negative'));
    expect(await check({ stock: -1 })).toEqual(violation('stock_not_negative'));
  });

  it('refuses a name of Unicode spaces and zero-width characters', async () => {
    // [:space:] follows the database's locale: PGlite's C.UTF-8 misses the
    // no-break and zero-width ones, so the constraint lists them itself.
    for (const name of ['\u00a0', '\u200b', '\ufeff', '\u2060', '\u00a0\u3000 ',
      '\u2003\u2028\u202f']) {
      expect(refusal(await insertProduct(db(), { ...MUG, name })))
        .toEqual({ code: '23514', condition: 'check_violation',
          on: 'name_not_blank' });
    }
    const ok = await insertProduct(db(), { ...MUG, name: '\u00a0Mug\u3000' });
    expect(ok.ok).toBe(true);
  });

  it('accepts the boundary values of each CHECK', async () => {
    const result = await insertProduct(db(), { sku: 'EDGE', name: 'é'.repeat(200),
      price_cents: 0, stock: 0 });
    expect(result.ok).toBe(true);
  });

  it('refuses values of the wrong type or size with class 22', async () => {
    const bad = async (row: Record<string, unknown>) =>
      refusal(await insertProduct(db(), { ...MUG, ...row }));
    expect(await bad({ price_cents: '9.00' })).toEqual(
      { code: '22P02', condition: 'invalid_text_representation', on: undefined });
    expect((await bad({ price_cents: 9.5 })).code).toBe('22P02');
    expect((await bad({ stock: 'lots' })).code).toBe('22P02');
    expect(await bad({ price_cents: 2 ** 31 })).toEqual(
      { code: '22003', condition: 'numeric_value_out_of_range', on: undefined });
    expect(await bad({ sku: 'MUG-000000001' })).toEqual({ code: '22001',
      condition: 'string_data_right_truncation', on: undefined });
    expect((await insertProduct(db(), { ...MUG, sku: 'MUG-00000001' })).ok)
      .toBe(true); // 12 characters: exactly varchar(12)
  });

  it('refuses a second row with the same sku with 23505', async () => {
    await insertProduct(db(), MUG);
    expect(refusal(await insertProduct(db(), { ...MUG, name: 'Cup' })))
      .toEqual({ code: '23505', condition: 'unique_violation',
        on: 'products_sku_key' });
    expect(await count()).toBe(1);
  });

  it('stores nothing when it refuses a row', async () => {
    await insertProduct(db(), { ...MUG, price_cents: -5 });
    await insertProduct(db(), { ...MUG, name: null });
    expect(await count()).toBe(0);
  });

  it('keeps the refused values out of what it returns', async () => {
    await insertProduct(db(), { ...MUG, sku: 'SECRET-42' });
    const result = await insertProduct(db(), { ...MUG, sku: 'SECRET-42' });
    expect(JSON.stringify(result)).not.toContain('SECRET-42');
  });

  it('stores SQL in a value as text, never runs it', async () => {
    const name = `Mug'); DROP TABLE products; --`;
    const result = await insertProduct(db(), { ...MUG, name });
    expect(result.ok && result.product.name).toBe(name);
    expect(await count()).toBe(1);
  });

  it('throws on a key that is not a writable column, before any SQL',
    async () => {
      for (const key of ['id', 'created_at', 'nmae',
        'name) VALUES (1); DROP TABLE products; --']) {
        await expect(insertProduct(db(), { ...MUG, [key]: 1 }))
          .rejects.toThrow(
            `not a writable column: ${JSON.stringify(key.slice(0, 40))}`);
      }
      expect(await count()).toBe(0);
    });

  it('quotes at most three unknown keys, escaped and cut short', async () => {
    const huge = 'k'.repeat(1_000_000);
    const error = await insertProduct(db(), { ...MUG, [huge]: 1,
      'a\r\nlevel=error forged': 1, b: 1, c: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    const { message } = error as TypeError;
    expect(message.length).toBeLessThan(200);
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).toContain('"a\\r\\nlevel=error forged"');
    expect(message).toContain('"b" and 1 more');
    expect(message).not.toContain('"c"');
  });

  it('ignores inherited keys', async () => {
    const input = Object.assign(Object.create({ stock: -1 }) as object, MUG);
    const result = await insertProduct(db(), input);
    expect(result.ok && result.product.stock).toBe(0);
  });

  it('throws errors that are not about the row', async () => {
    const broken = { query: () => Promise.reject(
      Object.assign(new Error('relation does not exist'), { code: '42P01' })) };
    await expect(insertProduct(broken, MUG)).rejects.toThrow('does not exist');
    const down = { query: () => Promise.reject(new Error('ECONNRESET')) };
    await expect(insertProduct(down, MUG)).rejects.toThrow('ECONNRESET');
    for (const code of ['25P02', '28P01', '21000', '2BP01']) { // class 2x,
      const other = { query: () => Promise.reject( // but not the row's fault
        Object.assign(new Error(`state ${code}`), { code })) };
      await expect(insertProduct(other, MUG)).rejects.toThrow(code);
    }
  });
});

describe('name_not_blank on a real server (C locale)', () => {
  // The server's database uses the C locale, where [:space:] matches ASCII
  // whitespace only: U+3000 and U+2003 would pass a bare [:space:] check.
  const { db } = useServerDatabase(PRODUCTS,
    { reset: 'TRUNCATE products RESTART IDENTITY', connections: 1 });

  it('refuses names that only look blank, whatever the locale', async () => {
    for (const name of ['\u3000', '\u2003', '\u00a0', '\u200b\u3000']) {
      expect(refusal(await insertProduct(db(), { ...MUG, name })))
        .toEqual({ code: '23514', condition: 'check_violation',
          on: 'name_not_blank' });
    }
    const ok = await insertProduct(db(), { ...MUG, name: 'Mug\u3000' });
    expect(ok.ok).toBe(true);
  });
});
