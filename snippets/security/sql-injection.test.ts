import { describe, expect, it } from 'vitest';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import {
  addNote, escapeLike, findNotes, findNotesUnsafe, MAX_TITLE, SCHEMA,
  searchNotes, SEED, unsafeLookupSql,
} from './sql-injection.ts';

const RESET = `TRUNCATE notes, users RESTART IDENTITY; ${SEED}`;
const OR_TRUE = "' OR '1'='1";
const UNION = "' UNION SELECT id, email || ' ' || password_hash FROM users --";
const STACKED = "'; DELETE FROM notes; --";

const titles = (rows: { title: string }[]) => rows.map((r) => r.title).sort();

describe('a lookup built by concatenation vs one with a parameter', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  it('finds the same note for an ordinary title', async () => {
    expect(await findNotesUnsafe(db(), 1, 'Groceries'))
      .toEqual([{ id: 1, title: 'Groceries' }]);
    expect(await findNotes(db(), 1, 'Groceries'))
      .toEqual([{ id: 1, title: 'Groceries' }]);
  });

  it("leaks every owner's notes to ' OR '1'='1 when concatenated", async () => {
    // AND binds tighter than OR: (owner_id = 1 AND title = '') OR '1'='1'
    expect(unsafeLookupSql(1, OR_TRUE))
      .toMatch(/AND title = '' OR '1'='1'$/);
    const rows = await findNotesUnsafe(db(), 1, OR_TRUE);
    expect(titles(rows)).toEqual(
      ['100% done', "Bob's diary", 'Groceries', 'Salary']);
  });

  it("treats ' OR '1'='1 as a title when it is a parameter", async () => {
    expect(await findNotes(db(), 1, OR_TRUE)).toEqual([]);
    const id = await addNote(db(), 1, OR_TRUE);
    expect(await findNotes(db(), 1, OR_TRUE)).toEqual([{ id, title: OR_TRUE }]);
  });

  it('leaks password hashes from another table to a UNION probe', async () => {
    const rows = await findNotesUnsafe(db(), 1, UNION);
    expect(titles(rows)).toEqual([
      'alice@example.com $argon2id$v=19$m=19456,t=2,p=1$placeholder-a',
      'bob@example.com $argon2id$v=19$m=19456,t=2,p=1$placeholder-b',
    ]);
    expect(await findNotes(db(), 1, UNION)).toEqual([]);
  });

  it('lets a quote break the unsafe SQL (the error-based probe)', async () => {
    await expect(findNotesUnsafe(db(), 1, "Bob's diary"))
      .rejects.toMatchObject({ code: '42601' }); // syntax_error
    expect(await findNotes(db(), 2, "Bob's diary")).toHaveLength(1);
  });

  it('refuses stacked statements on the extended protocol (PGlite query)',
    async () => {
      await expect(findNotesUnsafe(db(), 1, STACKED)).rejects.toMatchObject({
        code: '42601',
        message: 'cannot insert multiple commands into a prepared statement',
      });
      const { rows } = await db().query('SELECT count(*)::int AS n FROM notes');
      expect(rows).toEqual([{ n: 4 }]);
    });

  it('injects a stored value later pasted into SQL (second order)',
    async () => {
      // Stored safely, with a parameter: the row holds the text verbatim.
      const id = await addNote(db(), 1, OR_TRUE);
      const { rows: [stored] } = await db().query<{ title: string }>(
        'SELECT title FROM notes WHERE id = $1', [id]);
      expect(stored!.title).toBe(OR_TRUE);
      // A later feature trusts "our own data" and concatenates it.
      expect(await findNotesUnsafe(db(), 1, stored!.title)).toHaveLength(5);
      expect(await findNotes(db(), 1, stored!.title)).toEqual([
        { id, title: OR_TRUE }]);
    });

  it('binds a list for IN as one array parameter with = ANY($1)', async () => {
    const { rows } = await db().query<{ id: number }>(
      'SELECT id FROM notes WHERE id = ANY($1) ORDER BY id', [[1, 3]]);
    expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
    await expect(db().query('SELECT id FROM notes WHERE id = ANY($1)',
      [['1) OR (1=1']])).rejects.toMatchObject({ code: '22P02' });
  });

  it('rejects bad input with a clear error before any SQL runs', async () => {
    for (const owner of [0, -1, 1.5, Number.NaN]) {
      await expect(findNotes(db(), owner, 'x')).rejects
        .toThrow(/ownerId must be a positive integer/);
    }
    const long = 'x'.repeat(MAX_TITLE + 1);
    await expect(findNotes(db(), 1, long)).rejects.toThrow(/at most 200/);
    expect(() => unsafeLookupSql(1, long)).toThrow(RangeError);
    await expect(findNotes(db(), 1, 42 as unknown as string)).rejects
      .toThrow(/must be a string/);
    expect(await findNotes(db(), 1, 'x'.repeat(MAX_TITLE))).toEqual([]);
  });

  it('rejects a NUL character itself, not with a database error', async () => {
    // PostgreSQL text cannot hold U+0000: left to the server, it is a 500
    // carrying SQLSTATE 22021 instead of a 400 that names the field.
    for (const title of ['a\u0000b', '\u0000']) {
      await expect(findNotes(db(), 1, title)).rejects
        .toThrow(/title must not contain NUL/);
      await expect(searchNotes(db(), 1, title)).rejects
        .toThrow(/title must not contain NUL/);
    }
    expect(() => unsafeLookupSql(1, 'a\u0000b')).toThrow(RangeError);
  });
});

describe('LIKE search with user text', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });
  const add = async (...t: string[]) => {
    for (const title of t) await addNote(db(), 1, title);
  };

  it('escapes the wildcards and the escape character', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
    expect(escapeLike('plain')).toBe('plain');
  });

  it('matches a literal % instead of everything', async () => {
    expect(titles(await searchNotes(db(), 1, '%'))).toEqual(['100% done']);
  });

  it('matches a literal _ instead of any one character', async () => {
    await add('to_do', 'toxdo');
    expect(titles(await searchNotes(db(), 1, 'to_do'))).toEqual(['to_do']);
  });

  it('matches a literal backslash', async () => {
    await add('C:\\temp', 'C:temp');
    expect(titles(await searchNotes(db(), 1, ':\\t'))).toEqual(['C:\\temp']);
  });

  it('is case-insensitive and stays within the owner', async () => {
    expect(titles(await searchNotes(db(), 1, 'GROC'))).toEqual(['Groceries']);
    expect(await searchNotes(db(), 1, 'diary')).toEqual([]);
  });

  it('finds nothing for an injection attempt', async () => {
    expect(await searchNotes(db(), 1, "%' OR '1'='1")).toEqual([]);
    expect(await searchNotes(db(), 1, "' OR 1=1 --")).toEqual([]);
  });

  it('returns at most 50 rows, the oldest first', async () => {
    await db().query(`INSERT INTO notes (owner_id, title)
      SELECT 1, 'match ' || n FROM generate_series(1, 60) AS n`);
    const rows = await searchNotes(db(), 1, 'match');
    expect(rows).toHaveLength(50);
    expect(rows[0]!.title).toBe('match 1');
    expect(rows.at(-1)!.title).toBe('match 50');
  });

  it('rejects empty and oversized search text', async () => {
    await expect(searchNotes(db(), 1, '  ')).rejects.toThrow(/empty/);
    await expect(searchNotes(db(), 1, 'x'.repeat(MAX_TITLE + 1))).rejects
      .toThrow(RangeError);
  });
});

// node-postgres sends a query without values as a simple Query message,
// which runs every statement in the string: stacked queries work there.
describe('on a PostgreSQL server through node-postgres', () => {
  const { db } = useServerDatabase(SCHEMA, { reset: RESET, connections: 2 });

  it('runs a stacked DELETE hidden in a concatenated title', async () => {
    await findNotesUnsafe(db(), 1, STACKED);
    const { rows } = await db().query('SELECT count(*)::int AS n FROM notes');
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('treats the same text as a title when it is a parameter', async () => {
    expect(await findNotes(db(), 1, STACKED)).toEqual([]);
    const { rows } = await db().query('SELECT count(*)::int AS n FROM notes');
    expect(rows).toEqual([{ n: 4 }]);
  });
});
