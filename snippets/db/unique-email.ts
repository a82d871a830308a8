/**
 * One row per email address, whatever the case of its letters (Q10).
 * Sign-up (Q35, security/user-store.ts) lets the unique index on
 * lower(email) reject a second account and answers 409. This module holds
 * the other answer to the same index, for requests that may repeat: a
 * newsletter subscription where the second "subscribe" is not an error
 * (INSERT … ON CONFLICT), and the two other ways PostgreSQL can compare
 * text without case: the citext type and a nondeterministic ICU collation.
 * @see https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
 */
import { newUser } from '../security/registration.ts';
import type { Session } from './postgres-server.ts';

// #region upsert
export const SUBSCRIBERS_SCHEMA = `
  CREATE TABLE subscribers (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL
  );
  CREATE UNIQUE INDEX subscribers_email_key
    ON subscribers (lower(email));`;

/**
 * Subscribes `email` once. A repeat, in any letter case, is a success
 * that returns the first row: the index decides, and `ON CONFLICT` names
 * its expression so that conflict alone is skipped (any other still
 * raises). A concurrent insert of the same address makes this wait for
 * it; when it commits, the SELECT, a new snapshot, sees its row.
 */
export async function subscribe(db: Session, email: string)
  : Promise<{ id: string; created: boolean }> {
  const address = checkEmail(email);
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO subscribers (email) VALUES ($1)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id::text`, [address]);
    if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
    const existing = await db.query<{ id: string }>(
      `SELECT id::text FROM subscribers
       WHERE lower(email) = lower($1)`, [address]);
    // Deleted between the two statements: insert again.
    if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
  }
  throw new Error('subscriber row kept vanishing; giving up');
}
// #endregion upsert

/**
 * Sign-up's own rule (Q35, registration.ts), so both tables hold an address
 * the same way: trimmed, ASCII, RFC 5321 lengths, local part as typed and
 * domain lowercased. The error never repeats the address.
 */
export function checkEmail(email: string): string {
  if (typeof email !== 'string') throw new TypeError('email must be a string');
  const parsed = newUser.shape.email.safeParse(email);
  if (!parsed.success) {
    throw new RangeError('not an address sign-up accepts (see Q35)');
  }
  return parsed.data;
}

// #region alternatives
/** citext: a type whose = compares lower() of both sides. */
export const CITEXT_SCHEMA = `
  CREATE EXTENSION IF NOT EXISTS citext;
  CREATE TABLE members_citext (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email citext NOT NULL CONSTRAINT members_citext_email_key UNIQUE
  );`;

/** ICU, strength 2: letters differing only in case compare equal. */
export const COLLATION_SCHEMA = `
  CREATE COLLATION IF NOT EXISTS case_insensitive (
    provider = icu, locale = 'und-u-ks-level2', deterministic = false);
  CREATE TABLE members_icu (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text COLLATE case_insensitive NOT NULL
          CONSTRAINT members_icu_email_key UNIQUE
  );`;
// #endregion alternatives

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(SUBSCRIBERS_SCHEMA);
  for (const email of ['Ann.Lee@Example.com', ' ann.lee@EXAMPLE.COM',
    'bob@example.com']) {
    const { id, created } = await subscribe(db, email);
    console.log(`${JSON.stringify(email).padEnd(24)} -> id ${id}, `
      + (created ? 'subscribed' : 'already subscribed'));
  }
  const err = await db.query(
    "INSERT INTO subscribers (email) VALUES ('BOB@example.com')")
    .catch((e: { code: string; constraint: string }) => e);
  if ('code' in err) {
    console.log(`plain INSERT of BOB@… -> ${err.code} on ${err.constraint}`);
  }
  await db.close();
}
