import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { blue, checkName, green } from './app-versions.ts';
import { BASE_SCHEMA } from './blue-green.ts';

const RESET = `DROP TABLE IF EXISTS users, backfill_checkpoints;
  DROP FUNCTION IF EXISTS users_sync_name CASCADE; ${BASE_SCHEMA}`;

describe('checkName', () => {
  it('trims and accepts a normal name', () => {
    expect(checkName('  Ada Lovelace ')).toBe('Ada Lovelace');
    expect(checkName('x'.repeat(200))).toHaveLength(200);
  });

  it('refuses bad input with a clear error', () => {
    expect(() => checkName(42)).toThrow(/name must be a string/);
    expect(() => checkName(undefined)).toThrow(TypeError);
    expect(() => checkName('')).toThrow(/must not be empty/);
    expect(() => checkName(' \t\n')).toThrow(/must not be empty/);
    expect(() => checkName('x'.repeat(201))).toThrow(/at most 200/);
  });
});

describe('the two versions on the original schema (PGlite)', () => {
  const db = useDatabase('SELECT 1', { reset: RESET });

  it('blue reads and writes name', async () => {
    const id = await blue.register(db(), { email: 'a@example.com', name: 'Ada' });
    expect(await blue.rename(db(), id, 'Ada Lovelace')).toBe(true);
    expect(await blue.profile(db(), id))
      .toEqual({ email: 'a@example.com', name: 'Ada Lovelace' });
    expect(await blue.rename(db(), id + 1, 'Nobody')).toBe(false);
    expect(await blue.profile(db(), id + 1)).toBeUndefined();
  });

  it('green cannot run before the expand: full_name does not exist yet', async () => {
    const id = await blue.register(db(), { email: 'a@example.com', name: 'Ada' });
    await expect(green.profile(db(), id)).rejects.toThrow(/full_name/);
    await expect(green.register(db(), { email: 'b@example.com', name: 'B' }))
      .rejects.toThrow(/full_name/);
  });

  it('stores hostile names as data, never as SQL', async () => {
    const name = "x'); DROP TABLE users; --";
    const id = await blue.register(db(), { email: 'e@example.com', name });
    expect((await blue.profile(db(), id))?.name).toBe(name);
  });

  it('refuses a bad id or name before touching the database', async () => {
    await expect(blue.rename(db(), 0, 'A')).rejects.toThrow(/positive integer/);
    await expect(green.profile(db(), 1.5)).rejects.toThrow(/positive integer/);
    await expect(blue.profile(db(), Number.NaN)).rejects.toThrow(RangeError);
    await expect(green.register(db(), { email: 'e@example.com', name: ' ' }))
      .rejects.toThrow(/must not be empty/);
  });
});
