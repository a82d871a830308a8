import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  AUTH_SCHEMA, createUser, EmailTakenError, findUserByEmail, normalizeEmail,
  updatePasswordHash,
} from './user-store.ts';

const db = useDatabase(AUTH_SCHEMA, { reset: 'TRUNCATE users CASCADE' });
const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';
const AT = new Date(Date.UTC(2026, 11, 2));
const user = (id: string, email: string) =>
  ({ id, email, passwordHash: `$hash-of-${id}`, createdAt: AT });

describe('normalizeEmail', () => {
  it('trims and lowercases the domain only', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM\t')).toBe('Ann.Lee@example.com');
  });

  it('keeps dots and +tags in the local part: they are the mail server\'s to interpret', () => {
    expect(normalizeEmail('a.n.n+news@gmail.com')).toBe('a.n.n+news@gmail.com');
  });

  it('splits at the last @, so a quoted local part keeps its own @', () => {
    // Capitals on both sides of the inner @: a split at the first @ would
    // lowercase "B" and fail here (with "b" it passed by coincidence).
    expect(normalizeEmail('"A@B"@EXAMPLE.com')).toBe('"A@B"@example.com');
  });

  it.each(['', 'ann', '@example.com', 'ann@', '  @  '])('rejects %j', (raw) => {
    expect(() => normalizeEmail(raw)).toThrow(RangeError);
  });

  it('rejects a non-string with a TypeError', () => {
    expect(() => normalizeEmail(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('createUser', () => {
  it('stores the account and returns only public fields', async () => {
    const created = await createUser(db(), user(ID1, 'Ann@example.com'));
    expect(created).toEqual({ id: ID1, email: 'Ann@example.com', createdAt: AT });
  });

  it('maps the lower(email) unique violation to EmailTakenError, whatever the case', async () => {
    await createUser(db(), user(ID1, 'Ann@example.com'));
    const taken = createUser(db(), user(ID2, 'aNN@example.com'));
    await expect(taken).rejects.toBeInstanceOf(EmailTakenError);
    // The error says nothing about the account that has the address.
    await expect(taken).rejects.toThrow(/^an account already uses this email$/);
  });

  it('lets a 23505 on another constraint (a duplicate id) through as it is', async () => {
    await createUser(db(), user(ID1, 'ann@example.com'));
    await expect(createUser(db(), user(ID1, 'bob@example.com')))
      .rejects.toMatchObject({ code: '23505', constraint: 'users_pkey' });
  });
});

describe('findUserByEmail', () => {
  it('finds the account ignoring case and surrounding space', async () => {
    await createUser(db(), user(ID1, 'Ann@example.com'));
    expect(await findUserByEmail(db(), '  ANN@EXAMPLE.COM ')).toEqual({ id: ID1, passwordHash: `$hash-of-${ID1}` });
  });

  it.each(['nobody@example.com', 'not an email', "' OR '1'='1", `${'a'.repeat(250)}@example.com`])(
    'returns undefined for %j', async (email) => {
      await createUser(db(), user(ID1, 'ann@example.com'));
      expect(await findUserByEmail(db(), email)).toBeUndefined();
    });

  it('sees a replaced hash', async () => {
    await createUser(db(), user(ID1, 'ann@example.com'));
    await updatePasswordHash(db(), ID1, '$new');
    expect((await findUserByEmail(db(), 'ann@example.com'))?.passwordHash).toBe('$new');
  });
});
