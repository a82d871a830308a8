/**
 * The accounts and sessions tables that sign-up (Q35) and login (Q29)
 * share. An account is found by email whatever case its letters were typed
 * in; the password is stored only as a PHC string from password-hash.ts,
 * and a session only as the SHA-256 of its token (sessions.ts).
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-2.4
 */
import type { Queryable } from '../db/idempotency-keys.ts';
import { violates } from '../db/inbox-consumer.ts';

// #region schema
export const AUTH_SCHEMA = `
  CREATE TABLE users (
    id            uuid PRIMARY KEY,     -- random: ids reveal no count
    email         text NOT NULL,        -- as typed, domain lowercased
    password_hash text NOT NULL,        -- PHC string, never the password
    created_at    timestamptz NOT NULL
  );
  -- One account per mailbox, whatever the case of its letters.
  CREATE UNIQUE INDEX users_email_key ON users (lower(email));

  CREATE TABLE sessions (
    token_hash text PRIMARY KEY,        -- SHA-256 of the token, hex
    user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
  );`;
/** The constraint whose violation means "this email is taken". */
export const EMAIL_TAKEN = 'users_email_key';
// #endregion schema

/** Raised when the email belongs to an account already. No details. */
export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
  constructor() {
    super('an account already uses this email');
  }
}

// #region normalize-email
/** RFC 5321 §4.5.3.1: 64 octets of local part, 254 in all. */
export const MAX_LOCAL_PART = 64;
export const MAX_EMAIL = 254;

/**
 * Trims and lowercases the domain, which is case-insensitive. The local
 * part keeps its case, dots and `+tag`: only the receiving server knows
 * what they mean (RFC 5321 §2.4). Uniqueness ignores case in the index.
 */
export function normalizeEmail(raw: string): string {
  if (typeof raw !== 'string') throw new TypeError('email must be a string');
  const email = raw.trim();
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) {
    throw new RangeError('email must be local-part@domain');
  }
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
}
// #endregion normalize-email

export interface NewUser {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
}

// #region create-user
/** Inserts the account; EmailTakenError when its email is in use. */
export async function createUser(db: Queryable, user: NewUser) {
  try {
    await db.query(`INSERT INTO users (id, email, password_hash, created_at)
      VALUES ($1, $2, $3, $4)`,
    [user.id, user.email, user.passwordHash, user.createdAt]);
  } catch (err) {
    // Only this constraint means "taken"; a duplicate id is a bug (500).
    if (violates(err, EMAIL_TAKEN)) throw new EmailTakenError();
    throw err;
  }
  return { id: user.id, email: user.email, createdAt: user.createdAt };
}
// #endregion create-user

export interface StoredUser { id: string; passwordHash: string }

/** The account for `email`, compared without case; undefined if none. */
export async function findUserByEmail(db: Queryable,
  email: string): Promise<StoredUser | undefined> {
  let normalized: string;
  try {
    normalized = normalizeEmail(email);
  } catch {
    return undefined; // malformed: no account can have it
  }
  if (normalized.length > MAX_EMAIL) return undefined;
  const { rows } = await db.query<{ id: string; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE lower(email) = lower($1)',
    [normalized]);
  const row = rows[0];
  return row && { id: row.id, passwordHash: row.password_hash };
}

/** Replaces an account's stored hash (after a rehash at login). */
export async function updatePasswordHash(db: Queryable, id: string,
  passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1',
    [id, passwordHash]);
}

if (import.meta.main) {
  for (const raw of ['  Ann.Lee+news@Example.COM ', 'ann@EXAMPLE.com']) {
    console.log(`${JSON.stringify(raw).padEnd(32)} -> ${normalizeEmail(raw)}`);
  }
}
