/**
 * Least privilege for the notes app's database login: it may read and add
 * notes and read users' ids and emails, nothing else on the app's tables.
 * An injection that gets through then fails with SQLSTATE 42501
 * (insufficient_privilege) instead of dropping tables or reading password
 * hashes.
 *
 * The app must log in as this role. `SET ROLE` on a privileged connection
 * is no boundary: injected SQL can run `RESET ROLE`, or, in one SELECT,
 * `set_config('role', 'none', false)` (see the tests).
 *
 * What every role gets from PUBLIC stays: it can still create TEMPORARY
 * tables and call built-in functions such as pg_sleep. Revoke TEMPORARY on
 * the database from PUBLIC if that matters to you.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html#least-privilege
 * @see https://www.postgresql.org/docs/current/ddl-priv.html
 */

/** SQLSTATE for "permission denied" and "must be owner". */
export const INSUFFICIENT_PRIVILEGE = '42501';

// #region grants
// A role name is an identifier, so it cannot be a $1 parameter either:
// allow a strict pattern, then quote it (reserved words like "user").
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Run by the schema owner in a migration. The password is set apart,
 * from the secrets manager, so it never sits in migration files.
 */
export function appRoleSql(role: string): string {
  if (!ROLE_NAME.test(role)) {
    throw new RangeError('role must be 1-63 characters: a-z, 0-9 or _, '
      + 'not starting with a digit');
  }
  const r = `"${role}"`;
  return `
    CREATE ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    GRANT SELECT, INSERT ON notes TO ${r};
    GRANT SELECT (id, email) ON users TO ${r};`;
}
// #endregion grants
