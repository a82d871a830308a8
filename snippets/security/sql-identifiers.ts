/**
 * The parts of a query that cannot be bind parameters: the ORDER BY column
 * and direction and the selected columns of `GET /notes?sort=-created&
 * fields=id,title`. Each comes from an allow-list that maps the API's name
 * to a fixed SQL fragment; the user's text never reaches the SQL. Values
 * (the owner, the limit) stay parameters.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html#defense-option-3-allow-list-input-validation
 */
import type { Session } from '../db/postgres-server.ts';

/** A client asked for something the allow-list does not have: a 400. */
export class QueryParamError extends Error {
  override name = 'QueryParamError';
}

// #region order-by
/** API sort key → SQL column. A Map: no `constructor`, no `__proto__`. */
const SORTABLE = new Map([
  ['title', 'title'],
  ['created', 'id'], // ids are assigned in creation order
]);

/** `title` sorts ascending, `-title` descending; ties break on id. */
export function orderBy(sort: string): string {
  const desc = sort.startsWith('-');
  const column = SORTABLE.get(desc ? sort.slice(1) : sort);
  if (column === undefined) {
    throw new QueryParamError(
      `sort must be one of ${[...SORTABLE.keys()].join(', ')}, `
      + 'optionally prefixed with -');
  }
  const dir = desc ? 'DESC' : 'ASC';
  return column === 'id' ? `ORDER BY id ${dir}`
    : `ORDER BY ${column} ${dir}, id ${dir}`;
}
// #endregion order-by

// #region columns
const SELECTABLE = new Map([
  ['id', 'id'],
  ['title', 'title'],
  ['body', 'body'],
  ['ownerId', 'owner_id AS "ownerId"'],
]);

/** `fields=id,title` → `id, title`; unknown or repeated names are errors. */
export function selectList(fields: string): string {
  const names = fields.split(',');
  if (names.length > SELECTABLE.size || new Set(names).size < names.length) {
    throw new QueryParamError('fields must list distinct field names');
  }
  return names.map((name) => {
    const sql = SELECTABLE.get(name);
    if (sql === undefined) {
      throw new QueryParamError(`unknown field; use any of `
        + [...SELECTABLE.keys()].join(', '));
    }
    return sql;
  }).join(', ');
}

export interface ListOptions { sort?: string; fields?: string; limit?: number }

/** The owner's notes: identifiers from the allow-lists, values as $n. */
export async function listNotes(db: Session, ownerId: number,
  { sort = 'created', fields = 'id,title', limit = 20 }: ListOptions = {}) {
  if (!Number.isSafeInteger(ownerId) || ownerId < 1) {
    throw new RangeError(`ownerId must be a positive integer, got ${ownerId}`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new QueryParamError('limit must be an integer from 1 to 100');
  }
  const sql = `SELECT ${selectList(fields)} FROM notes
    WHERE owner_id = $1 ${orderBy(sort)} LIMIT $2`;
  const { rows } = await db.query<Record<string, unknown>>(
    sql, [ownerId, limit]);
  return rows;
}
// #endregion columns

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { SCHEMA, SEED } = await import('./sql-injection.ts');
  const db = await openDatabase();
  await db.exec(SCHEMA + SEED);
  console.log('?sort=-title        →', orderBy('-title'));
  console.log('?fields=id,ownerId  →', `SELECT ${selectList('id,ownerId')}`);
  const notes = await listNotes(db, 1, { sort: '-title' });
  console.log('rows                →', notes.map((n) => n.title).join(' | '));
  for (const [param, value] of [
    ['sort', 'title; DROP TABLE notes --'],
    ['sort', 'constructor'],
    ['fields', 'id,(SELECT password_hash FROM users)'],
  ] as const) {
    try {
      await listNotes(db, 1, { [param]: value });
    } catch (error) {
      console.log(`?${param}=${value}\n  400`, (error as Error).message);
    }
  }
  await db.close();
}
