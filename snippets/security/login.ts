/**
 * Login: check an email and password, then start a session. Both ways to
 * fail (no such account, wrong password) give the same answer and cost
 * the same Argon2id verification, so neither the response nor its timing
 * tells an attacker which emails have accounts.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-responses
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/idempotency-keys.ts';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.ts';
import { createSession, type SessionOptions } from './sessions.ts';
import { findUserByEmail, updatePasswordHash } from './user-store.ts';

// #region authenticate
export interface AuthDeps {
  /** The hash of a random password, made at startup: makeDummyHash(). */
  dummyHash: string;
  /** Q42's verifyPassword; tests pass a spy. */
  verify?: (password: string, phc: string) => Promise<boolean>;
}

/** The one failure: the same object whatever went wrong. */
export type AuthResult = { ok: true; userId: string } | { ok: false };

export async function authenticate(db: Queryable, email: string,
  password: string, deps: AuthDeps): Promise<AuthResult> {
  const verify = deps.verify ?? verifyPassword;
  const user = await findUserByEmail(db, email);
  // No account? Verify against the dummy anyway: one Argon2id either way.
  const matches = await verify(password, user?.passwordHash ?? deps.dummyHash);
  if (!user || !matches) return { ok: false };
  if (needsRehash(user.passwordHash)) { // Q42: parameters were raised
    await updatePasswordHash(db, user.id, await hashPassword(password));
  }
  return { ok: true, userId: user.id };
}

/** A hash nobody knows the password of, with today's parameters. */
export function makeDummyHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}
// #endregion authenticate

// #region login
export type LoginResult =
  | { ok: true; userId: string; token: string; expiresAt: Date }
  | { ok: false };

/** Authenticates, then starts a new session (never reuses one). */
export async function login(db: Queryable, email: string, password: string,
  deps: AuthDeps & SessionOptions): Promise<LoginResult> {
  const who = await authenticate(db, email, password, deps);
  if (!who.ok) return who;
  const session = await createSession(db, who.userId, deps);
  return { ok: true, userId: who.userId, ...session };
}
// #endregion login

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { AUTH_SCHEMA, createUser } = await import('./user-store.ts');
  const db = await openDatabase();
  await db.exec(AUTH_SCHEMA);
  const pw = 'correct horse battery staple';
  await createUser(db, { id: '00000000-0000-4000-8000-000000000001',
    email: 'ann@example.com', passwordHash: await hashPassword(pw),
    createdAt: new Date(Date.UTC(2026, 11, 1)) });
  let verifications = 0;
  const deps = {
    dummyHash: await makeDummyHash(),
    verify: (p: string, h: string) => { verifications++; return verifyPassword(p, h); },
    now: () => Date.UTC(2026, 11, 2, 9), ttlMs: 8 * 3600_000,
  };
  const attempts: [string, string, string][] = [
    ['right password', 'ann@example.com', pw],
    ['email as typed', ' Ann@EXAMPLE.com', pw],
    ['wrong password', 'ann@example.com', 'Correct horse battery staple'],
    ['no such account', 'bob@example.com', pw],
  ];
  for (const [label, email, password] of attempts) {
    verifications = 0;
    const r = await login(db, email, password, deps);
    const shown = r.ok ? `ok, session until ${r.expiresAt.toISOString()}`
      : JSON.stringify(r);
    console.log(`${label.padEnd(16)} ${shown.padEnd(41)} Argon2id runs: ${verifications}`);
  }
  await db.close();
}
