/**
 * Two deployed versions of one service's user data access, for a rename of
 * `users.name` to `users.full_name` under blue/green (blue-green.ts):
 *   - blue (v1) knows only `name`: the code running today;
 *   - green (v2) knows only `full_name`: the release being switched to.
 * Neither writes both columns: a trigger keeps them in step while both
 * colors can serve traffic (blue-green.ts, `expand`).
 */
import type { Queryable } from '../db/backfill.ts';

export interface User { email: string; name: string }
export interface UserApp {
  version: string;
  register(db: Queryable, user: User): Promise<number>;
  rename(db: Queryable, id: number, name: string): Promise<boolean>;
  profile(db: Queryable, id: number): Promise<User | undefined>;
}

const MAX_NAME = 200;
/** Bad input is refused before any SQL runs, the same in both versions. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError('name must be a string');
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new RangeError('name must not be empty');
  if (trimmed.length > MAX_NAME) {
    throw new RangeError(`name must be at most ${MAX_NAME} characters`);
  }
  return trimmed;
}
function checkId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new RangeError('id must be a positive integer');
  }
  return id;
}

type Row = { id: string };
type Profile = { email: string; name: string };

// #region versions
/** One version of the code: which column it reads and writes. */
function version(label: string, column: 'name' | 'full_name'): UserApp {
  return {
    version: label,
    async register(db, { email, name }) {
      const { rows } = await db.query<Row>(`INSERT INTO users
        (email, ${column}) VALUES ($1, $2) RETURNING id::text AS id`,
      [email, checkName(name)]);
      return Number(rows[0]!.id);
    },
    async rename(db, id, name) {
      const { rows } = await db.query<Row>(`UPDATE users
        SET ${column} = $2 WHERE id = $1 RETURNING id::text AS id`,
      [checkId(id), checkName(name)]);
      return rows.length === 1;
    },
    async profile(db, id) {
      const { rows } = await db.query<Profile>(`SELECT email,
        ${column} AS name FROM users WHERE id = $1`, [checkId(id)]);
      return rows[0];
    },
  };
}

export const blue = version('blue v1', 'name'); // running today
export const green = version('green v2', 'full_name'); // the release
// #endregion versions
