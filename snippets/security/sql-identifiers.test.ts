import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  listNotes, orderBy, QueryParamError, selectList,
} from './sql-identifiers.ts';
import { SCHEMA, SEED } from './sql-injection.ts';

const RESET = `TRUNCATE notes, users RESTART IDENTITY; ${SEED}
INSERT INTO notes (owner_id, title) VALUES (1, 'apples'), (1, 'Zebra');`;

describe('ORDER BY from an allow-list', () => {
  it('maps API sort keys to fixed SQL', () => {
    expect(orderBy('title')).toBe('ORDER BY title ASC, id ASC');
    expect(orderBy('-title')).toBe('ORDER BY title DESC, id DESC');
    expect(orderBy('created')).toBe('ORDER BY id ASC');
    expect(orderBy('-created')).toBe('ORDER BY id DESC');
  });

  it('refuses injection attempts and near misses', () => {
    for (const sort of [
      'title; DROP TABLE notes --', 'title DESC', '(SELECT 1)', '--title',
      'title ', 'TITLE', 'id', '', '-',
      // Names every plain object has: a `{}` lookup would return them.
      'constructor', '__proto__', 'toString', 'hasOwnProperty',
    ]) {
      expect(() => orderBy(sort), sort).toThrow(QueryParamError);
    }
  });
});

describe('selected columns from an allow-list', () => {
  it('maps API field names to columns, in the order asked', () => {
    expect(selectList('title,id')).toBe('title, id');
    expect(selectList('ownerId')).toBe('owner_id AS "ownerId"');
  });

  it('refuses unknown, SQL-named, repeated and too many fields', () => {
    for (const fields of [
      'id,(SELECT password_hash FROM users)', 'owner_id', '*', '',
      'id,', 'id,id', 'id,title,body,ownerId,id', 'constructor',
    ]) {
      expect(() => selectList(fields), fields).toThrow(QueryParamError);
    }
  });
});

describe('listNotes on PostgreSQL', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });
  const titles = (rows: Record<string, unknown>[]) => rows.map((r) => r.title);

  it('sorts by the allowed column in the asked direction', async () => {
    expect(titles(await listNotes(db(), 1, { sort: 'created' })))
      .toEqual(['Groceries', '100% done', 'apples', 'Zebra']);
    expect(titles(await listNotes(db(), 1, { sort: '-created' })))
      .toEqual(['Zebra', 'apples', '100% done', 'Groceries']);
    const asc = titles(await listNotes(db(), 1, { sort: 'title' }));
    const desc = titles(await listNotes(db(), 1, { sort: '-title' }));
    expect(asc).toHaveLength(4);
    expect(desc).toEqual(asc.toReversed());
  });

  it('returns only the requested fields, values still bound', async () => {
    const rows = await listNotes(db(), 2, { fields: 'ownerId,id', limit: 1 });
    expect(rows).toEqual([{ ownerId: 2, id: 3 }]);
  });

  it('rejects an injected sort before any SQL runs', async () => {
    await expect(listNotes(db(), 1, { sort: 'id; DROP TABLE users --' }))
      .rejects.toThrow(QueryParamError);
    await expect(listNotes(db(), 1, {
      fields: 'id,(SELECT password_hash FROM users LIMIT 1) AS title',
    })).rejects.toThrow(QueryParamError);
    const { rows } = await db().query('SELECT count(*)::int AS n FROM users');
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('rejects a bad limit or owner with a clear error', async () => {
    for (const limit of [0, 101, 1.5]) {
      await expect(listNotes(db(), 1, { limit })).rejects
        .toThrow(/limit must be an integer from 1 to 100/);
    }
    await expect(listNotes(db(), 0)).rejects.toThrow(RangeError);
  });

  // Why identifiers need the allow-list: a parameter is always a value.
  it('shows that a bind parameter cannot name a column', async () => {
    const { rows } = await db().query<{ c: string }>(
      'SELECT $1::text AS c FROM notes WHERE owner_id = 1', ['title']);
    expect(rows.map((r) => r.c)).toEqual(['title', 'title', 'title', 'title']);
    // ORDER BY $1 sorts by a constant: every row ties, so no sort happens.
    const plan = await db().query<{ 'QUERY PLAN': string }>(
      'EXPLAIN SELECT title FROM notes ORDER BY $1', ['title']);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))
      .not.toMatch(/Sort/);
    const sorted = await db().query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT title FROM notes ${orderBy('title')}`);
    expect(sorted.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Sort/);
  });
});
