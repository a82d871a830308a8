import { describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../db/idempotency-keys.ts';
import { useDatabase } from '../db/use-database.ts';
import {
  clearSessionCookie, COOKIE_NAME, createSession, endSession, findSession,
  hashToken, readSessionToken, sessionCookie, TOKEN_BYTES,
} from './sessions.ts';
import { AUTH_SCHEMA } from './user-store.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const T0 = Date.UTC(2026, 11, 2, 9);
const HOUR = 3600_000;
const db = useDatabase(`${AUTH_SCHEMA}
  INSERT INTO users VALUES ('${USER}', 'ann@example.com', 'x', now());`,
{ reset: 'TRUNCATE sessions' });
const fixed = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);
const opts = { now: () => T0, ttlMs: 8 * HOUR };
const storedHashes = async () => (await db().query<{ token_hash: string }>(
  'SELECT token_hash FROM sessions')).rows.map((r) => r.token_hash);

describe('createSession', () => {
  it('hands out 32 random bytes as 43 base64url characters', async () => {
    const random = vi.fn(fixed(1));
    const { token, expiresAt } = await createSession(db(), USER, { ...opts, random });
    expect(random).toHaveBeenCalledWith(TOKEN_BYTES);
    expect(token).toBe(Buffer.alloc(32, 1).toString('base64url'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toEqual(new Date(T0 + 8 * HOUR));
  });

  it('stores only the SHA-256 of the token', async () => {
    const { token } = await createSession(db(), USER, opts);
    const rows = await db().query('SELECT * FROM sessions');
    expect(JSON.stringify(rows.rows)).not.toContain(token);
    expect(await storedHashes()).toEqual([hashToken(token)]);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives every login its own token', async () => {
    const a = await createSession(db(), USER, opts);
    const b = await createSession(db(), USER, opts);
    expect(a.token).not.toBe(b.token);
    expect(await storedHashes()).toHaveLength(2);
  });

  it.each([[16], [33]])('refuses a random source that returns %i bytes', async (size) => {
    await expect(createSession(db(), USER, { ...opts, random: () => new Uint8Array(size) }))
      .rejects.toThrow(RangeError);
    expect(await storedHashes()).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity])('refuses ttlMs %s', async (ttlMs) => {
    await expect(createSession(db(), USER, { ...opts, ttlMs })).rejects.toThrow(RangeError);
  });
});

describe('findSession', () => {
  it('returns the user until the expiry instant, then nothing', async () => {
    const { token } = await createSession(db(), USER, opts);
    expect(await findSession(db(), token, T0)).toEqual({ userId: USER });
    expect(await findSession(db(), token, T0 + 8 * HOUR - 1)).toEqual({ userId: USER });
    expect(await findSession(db(), token, T0 + 8 * HOUR)).toBeUndefined();
  });

  it('does not accept the stored hash, or a near miss, as a token', async () => {
    const { token } = await createSession(db(), USER, opts);
    const [stored] = await storedHashes();
    expect(await findSession(db(), stored, T0)).toBeUndefined();
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(await findSession(db(), flipped, T0)).toBeUndefined();
  });

  it.each([
    ['empty', ''], ['too short', 'A'.repeat(42)], ['too long', 'A'.repeat(44)],
    ['padded', `${'A'.repeat(42)}=`], ['SQL', `' OR '1'='1${'A'.repeat(32)}`],
    ['a number', 42], ['undefined', undefined],
  ])('rejects a malformed token (%s) without a query', async (_label, token) => {
    const spy: Queryable = { query: vi.fn() };
    expect(await findSession(spy, token, T0)).toBeUndefined();
    expect(spy.query).not.toHaveBeenCalled();
  });
});

describe('endSession', () => {
  it('ends only that session', async () => {
    const a = await createSession(db(), USER, opts);
    const b = await createSession(db(), USER, opts);
    await endSession(db(), a.token);
    expect(await findSession(db(), a.token, T0)).toBeUndefined();
    expect(await findSession(db(), b.token, T0)).toEqual({ userId: USER });
  });

  it('ignores a malformed token', async () => {
    await createSession(db(), USER, opts);
    await endSession(db(), '%');
    expect(await storedHashes()).toHaveLength(1);
  });
});

describe('session cookie', () => {
  const token = Buffer.alloc(32, 9).toString('base64url');

  it('sets every attribute __Host- requires, and no Domain', () => {
    const cookie = sessionCookie(token, 28_800);
    expect(cookie.startsWith(`${COOKIE_NAME}=${token}; `)).toBe(true);
    const attrs = cookie.split('; ').slice(1);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax', 'Max-Age=28800']));
    expect(cookie).not.toMatch(/domain=/i);
    expect(COOKIE_NAME.startsWith('__Host-')).toBe(true);
  });

  it('refuses a value that could inject attributes', () => {
    expect(() => sessionCookie(`${token.slice(0, 40)}; D`, 60)).toThrow(TypeError);
  });

  it.each([0, -5, 1.5])('refuses Max-Age %s', (age) => {
    expect(() => sessionCookie(token, age)).toThrow(RangeError);
  });

  it('clears with Max-Age=0 and the same name and path', () => {
    expect(clearSessionCookie()).toMatch(/^__Host-session=; Path=\/; Max-Age=0; Secure/);
  });

  it('reads only our cookie, and only a well-formed token', () => {
    expect(readSessionToken(`theme=dark; ${COOKIE_NAME}=${token}; x=1`)).toBe(token);
    expect(readSessionToken(`session=${token}`)).toBeUndefined();
    expect(readSessionToken(`${COOKIE_NAME}=abc`)).toBeUndefined();
    expect(readSessionToken(null)).toBeUndefined();
    expect(readSessionToken(`${'a=b; '.repeat(2000)}${COOKIE_NAME}=${token}`)).toBeUndefined();
  });
});
