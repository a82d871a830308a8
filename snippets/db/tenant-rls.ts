/**
 * Many tenants in one schema, kept apart by PostgreSQL itself: every row
 * carries tenant_id, and a row security policy compares it with the tenant
 * the current transaction declared. A query that forgets its
 * `WHERE tenant_id = …` still sees one tenant's rows, and a write into
 * another tenant's rows is refused.
 *
 * It holds only for the role the app logs in as: superusers and roles with
 * BYPASSRLS always skip policies, and a table's owner skips them unless the
 * table has FORCE ROW LEVEL SECURITY. So migrations run as an owner role,
 * and the app logs in as a plain role that owns nothing.
 * @see https://www.postgresql.org/docs/current/ddl-rowsecurity.html
 * @see https://www.postgresql.org/docs/current/sql-createpolicy.html
 */
import type { Session } from './postgres-server.ts';
import { openDatabase } from './database.ts';

/** PGlite or a `pg` pool wrapped by poolDb. */
export interface Db {
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
}

// #region policy
// Run by a migration, as the owner role; the app logs in as tenant_app.
export const TENANT_SCHEMA = `
  CREATE FUNCTION current_tenant() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    -- Unset, or '' once a local setting ends, means no tenant: NULL.
    RETURN nullif(current_setting('app.tenant_id', true), '');

  CREATE TABLE projects (
    tenant_id text NOT NULL DEFAULT current_tenant(),
    id        bigint GENERATED ALWAYS AS IDENTITY,
    name      text NOT NULL,
    PRIMARY KEY (tenant_id, id)   -- tenant_id first: the policy uses it
  );
  ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
  ALTER TABLE projects FORCE ROW LEVEL SECURITY;  -- the owner too

  CREATE POLICY tenant_isolation ON projects
    USING (tenant_id = current_tenant())        -- rows it may see
    WITH CHECK (tenant_id = current_tenant());  -- rows it may write`;

// Run once by an administrator: the login the app uses owns nothing.
export const APP_ROLE = `
  CREATE ROLE tenant_app LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  -- Row privileges only: TRUNCATE would ignore the policy.
  GRANT SELECT, INSERT, UPDATE, DELETE ON projects TO tenant_app;`;
// #endregion policy

// #region with-tenant
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Runs `work` in a transaction that sees only `tenantId`'s rows. The
 * tenant comes from the authenticated session, never from the request.
 */
export async function withTenant<T>(db: Db, tenantId: string,
  work: (tx: Session) => Promise<T>): Promise<T> {
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) {
    throw new RangeError('tenant id must be 1-63 of a-z, 0-9, _ or -');
  }
  return db.transaction(async (tx) => {
    // SET LOCAL takes no $1, set_config does. true = local: reset at
    // COMMIT or ROLLBACK, so the pooled connection leaks no tenant.
    await tx.query("SELECT set_config('app.tenant_id', $1, true)",
      [tenantId]);
    return work(tx);
  });
}

// No WHERE tenant_id anywhere below: the policy adds it.
export async function listProjects(tx: Session) {
  const { rows } = await tx.query<{ id: number; name: string }>(
    'SELECT id::int, name FROM projects ORDER BY id');
  return rows;
}

export async function renameProject(tx: Session, id: number, name: string)
  : Promise<boolean> {
  const { affectedRows } = await tx.query(
    'UPDATE projects SET name = $2 WHERE id = $1', [id, name]);
  return affectedRows === 1; // false for another tenant's id
}
// #endregion with-tenant

export async function createProject(tx: Session, name: string)
  : Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO projects (name) VALUES ($1) RETURNING id::int', [name]);
  return rows[0]!.id;
}

if (import.meta.main) {
  const db = await openDatabase();
  await db.exec(TENANT_SCHEMA + APP_ROLE);
  await db.exec('SET ROLE tenant_app'); // as the app would log in
  await withTenant(db, 'acme', (tx) => createProject(tx, 'Acme roadmap'));
  const bId = await withTenant(db, 'globex',
    (tx) => createProject(tx, 'Globex payroll'));
  const seen = await withTenant(db, 'acme', listProjects);
  console.log(`acme sees: ${seen.map((p) => p.name).join(', ')}`);
  const renamed = await withTenant(db, 'acme',
    (tx) => renameProject(tx, bId, 'pwned'));
  console.log(`acme renames globex's project ${bId}: ${renamed}`);
  await withTenant(db, 'acme', (tx) => tx.query(
    "INSERT INTO projects (tenant_id, name) VALUES ('globex', 'x')"))
    .catch((e: Error) => console.log(`acme inserts for globex: ${e.message}`));
  const none = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM projects');
  console.log(`no tenant set: ${none.rows[0]?.n} rows`);
  await db.close();
}
