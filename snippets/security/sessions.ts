/**
 * Server-side sessions with opaque tokens. The client holds 32 random
 * bytes in a cookie; the database holds only their SHA-256, so a leaked
 * sessions table or backup logs nobody in.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/idempotency-keys.ts';

// #region session
export const TOKEN_BYTES = 32; // 256 bits; OWASP's floor is 64 bits
/** 32 bytes as unpadded base64url: exactly 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionOptions {
  now: () => number; // ms since the epoch
  ttlMs: number; // absolute lifetime; log in again after it
  random?: (size: number) => Uint8Array; // tests inject fixed bytes
}

/** A new session for `userId`: the token goes to the client only. */
export async function createSession(db: Queryable, userId: string,
  { now, ttlMs, random = randomBytes }: SessionOptions) {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError('ttlMs must be a positive whole number');
  }
  const bytes = Buffer.from(random(TOKEN_BYTES));
  if (bytes.length !== TOKEN_BYTES) {
    throw new RangeError(`random must return ${TOKEN_BYTES} bytes`);
  }
  const token = bytes.toString('base64url');
  const expiresAt = new Date(now() + ttlMs);
  await db.query(`INSERT INTO sessions (token_hash, user_id, expires_at)
    VALUES ($1, $2, $3)`, [hashToken(token), userId, expiresAt]);
  return { token, expiresAt };
}

/** The session's user while it is unexpired; else undefined. */
export async function findSession(db: Queryable, token: unknown,
  now: number): Promise<{ userId: string } | undefined> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  // Found by its hash: an index lookup, nothing compared by hand.
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT user_id FROM sessions
      WHERE token_hash = $1 AND expires_at > $2`,
    [hashToken(token), new Date(now)]);
  return rows[0] && { userId: rows[0].user_id };
}

/** Logout: the token stops working at once, wherever it was copied. */
export async function endSession(db: Queryable, token: unknown) {
  if (typeof token !== 'string' || !TOKEN.test(token)) return;
  await db.query('DELETE FROM sessions WHERE token_hash = $1',
    [hashToken(token)]);
}

// 256 random bits need no salt or slow hash: there is nothing to guess.
export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');
// #endregion session

// #region cookie
/** `__Host-`: the browser keeps it only if Secure, Path=/, no Domain. */
export const COOKIE_NAME = '__Host-session';

/** The Set-Cookie value that hands `token` to a browser. */
export function sessionCookie(token: string, maxAgeSeconds: number) {
  if (!TOKEN.test(token)) throw new TypeError('not a session token');
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds <= 0) {
    throw new RangeError('maxAgeSeconds must be a positive whole number');
  }
  return `${COOKIE_NAME}=${token}; Path=/; Max-Age=${maxAgeSeconds}`
    + '; Secure; HttpOnly; SameSite=Lax';
}
// #endregion cookie

/** The Set-Cookie value that makes a browser drop the cookie. */
export function clearSessionCookie(): string {
  return `${COOKIE_NAME}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax`;
}

/** Our token from a Cookie header, or undefined. No other cookie counts. */
export function readSessionToken(header: string | null | undefined) {
  if (!header || header.length > 8192) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === COOKIE_NAME) {
      const value = pair.slice(eq + 1).trim();
      return TOKEN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { AUTH_SCHEMA } = await import('./user-store.ts');
  const db = await openDatabase();
  await db.exec(AUTH_SCHEMA);
  const user = '00000000-0000-4000-8000-000000000001';
  await db.query(`INSERT INTO users VALUES ($1, 'ann@example.com', 'x', now())`, [user]);
  let clock = Date.UTC(2026, 11, 2, 9);
  const hours = 8;
  const { token } = await createSession(db, user, { now: () => clock,
    ttlMs: hours * 3600_000, random: (n) => new Uint8Array(n).fill(7) }); // demo only
  const shown = `${token.slice(0, 4)}… (${token.length} chars)`; // never log a token
  console.log(`Set-Cookie: ${sessionCookie(token, hours * 3600).replace(token, shown)}`);
  const stored = (await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions')).rows[0]!;
  console.log(`stored:     token_hash = ${stored.token_hash.slice(0, 16)}… (SHA-256, not the token)`);
  console.log(`lookup:     ${JSON.stringify(await findSession(db, token, clock))}`);
  console.log(`hash as a token: ${await findSession(db, stored.token_hash, clock) ?? 'no session'}`);
  clock += hours * 3600_000;
  console.log(`at expiry:  ${await findSession(db, token, clock) ?? 'no session'}`);
  await db.close();
}
