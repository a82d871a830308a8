/**
 * SQL injection on a small notes app: the same lookup written twice, once
 * by pasting the user's text into the SQL and once with a bind parameter,
 * plus a LIKE search whose wildcards are escaped when the user means them
 * literally.
 *
 * Works on PGlite and on `pg` (the Session shape both fit). Note the
 * protocol difference the tests pin down: PGlite's `query` always uses the
 * extended protocol, which refuses two statements in one string, while
 * `pg` sends a query without values as a simple query, which runs them all.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */
import type { Session } from '../db/postgres-server.ts';

export const SCHEMA = `
CREATE TABLE users (
  id            int PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL);
CREATE TABLE notes (
  id       int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id int NOT NULL REFERENCES users,
  title    text NOT NULL,
  body     text NOT NULL DEFAULT '');`;

/** Two users and their notes. The hashes are placeholders, not secrets. */
export const SEED = `
INSERT INTO users VALUES
  (1, 'alice@example.com', '$argon2id$v=19$m=19456,t=2,p=1$placeholder-a'),
  (2, 'bob@example.com',   '$argon2id$v=19$m=19456,t=2,p=1$placeholder-b');
INSERT INTO notes (owner_id, title) VALUES
  (1, 'Groceries'), (1, '100% done'), (2, 'Bob''s diary'), (2, 'Salary');`;

export interface Note { id: number; title: string }

export const MAX_TITLE = 200;

/** Rejects what no caller should send; it does NOT make text safe in SQL. */
export function checkLookup(ownerId: number, title: string): void {
  if (!Number.isSafeInteger(ownerId) || ownerId < 1) {
    throw new RangeError(`ownerId must be a positive integer, got ${ownerId}`);
  }
  if (typeof title !== 'string' || title.length > MAX_TITLE) {
    throw new RangeError(`title must be a string of at most ${MAX_TITLE} `
      + 'characters');
  }
  // PostgreSQL text cannot store U+0000: reject it here, as a 400, rather
  // than let the server fail the query with SQLSTATE 22021 (a 500).
  if (title.includes('\u0000')) {
    throw new RangeError('title must not contain NUL characters');
  }
}

// #region unsafe
/** DON'T: the title becomes part of the SQL text itself. */
export function unsafeLookupSql(ownerId: number, title: string): string {
  checkLookup(ownerId, title);
  return 'SELECT id, title FROM notes '
    + `WHERE owner_id = ${ownerId} AND title = '${title}'`;
}

export async function findNotesUnsafe(db: Session, ownerId: number,
  title: string): Promise<Note[]> {
  const { rows } = await db.query<Note>(unsafeLookupSql(ownerId, title));
  return rows;
}
// #endregion unsafe

// #region safe
/** The SQL text is fixed; the title travels apart from it, as a value. */
export async function findNotes(db: Session, ownerId: number,
  title: string): Promise<Note[]> {
  checkLookup(ownerId, title);
  const { rows } = await db.query<Note>(
    'SELECT id, title FROM notes WHERE owner_id = $1 AND title = $2',
    [ownerId, title]);
  return rows;
}
// #endregion safe

export async function addNote(db: Session, ownerId: number,
  title: string): Promise<number> {
  checkLookup(ownerId, title);
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO notes (owner_id, title) VALUES ($1, $2) RETURNING id',
    [ownerId, title]);
  return rows[0]!.id;
}

// #region like-search
/** `%` and `_` are LIKE wildcards, `\` its escape: make all three literal. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Notes whose title contains `text`, case-insensitively. */
export async function searchNotes(db: Session, ownerId: number,
  text: string): Promise<Note[]> {
  checkLookup(ownerId, text);
  if (text.trim() === '') throw new RangeError('search text is empty');
  const { rows } = await db.query<Note>(
    `SELECT id, title FROM notes
     WHERE owner_id = $1 AND title ILIKE '%' || $2 || '%' ESCAPE '\\'
     ORDER BY id LIMIT 50`,
    [ownerId, escapeLike(text)]);
  return rows;
}
// #endregion like-search

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(SCHEMA + SEED);
  const show = (notes: Note[]) => notes.length === 0 ? '(no rows)'
    : notes.toSorted((a, b) => a.id - b.id).map((n) => `${n.id} ${n.title}`)
      .map((row) => row.length > 44 ? `${row.slice(0, 43)}…` : row)
      .join('\n         ');
  const attacks = [
    ['a normal title', 'Groceries'],
    ["' OR '1'='1", "' OR '1'='1"],
    ['UNION probe', "' UNION SELECT id, email || ' ' || password_hash "
      + 'FROM users --'],
  ] as const;
  console.log('Alice (owner 1) looks up one of her notes by title.');
  for (const [label, title] of attacks) {
    console.log(`\n${label}:`);
    if (label !== 'a normal title') {
      const where = unsafeLookupSql(1, title).slice(28);
      console.log(`  SQL    ${where.replace(' UNION', '\n         UNION')}`);
    }
    console.log(`  unsafe ${show(await findNotesUnsafe(db, 1, title))}`);
    console.log(`  safe   ${show(await findNotes(db, 1, title))}`);
  }
  await db.close();
}
