import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodes, parsePlan } from './explain.ts';
import { poolDb, type PoolDb, type Session } from './postgres-server.ts';
import {
  APP_ROLE, createProject, listProjects, renameProject, TENANT_SCHEMA, withTenant,
} from './tenant-rls.ts';
import { useServerDatabase } from './use-database.ts';

// The schema is created by a non-superuser owner, as a migration role would.
const SCHEMA = `
  CREATE ROLE tenant_owner NOLOGIN;
  CREATE ROLE tenant_support NOLOGIN BYPASSRLS;
  GRANT CREATE ON SCHEMA public TO tenant_owner;
  SET ROLE tenant_owner;
  ${TENANT_SCHEMA}
  -- Two child tables, to show what foreign keys do across tenants.
  -- naive_tasks needs a unique id alone, as a single-tenant schema has.
  CREATE UNIQUE INDEX projects_id_key ON projects (id);
  CREATE TABLE naive_tasks (
    tenant_id  text NOT NULL DEFAULT current_tenant(),
    project_id bigint NOT NULL REFERENCES projects (id));
  CREATE TABLE tasks (
    tenant_id  text NOT NULL DEFAULT current_tenant(),
    project_id bigint NOT NULL,
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id));
  RESET ROLE;
  ${APP_ROLE}
  GRANT SELECT, INSERT ON naive_tasks, tasks TO tenant_app;
  GRANT SELECT ON projects TO tenant_support;`;
const SEED = `TRUNCATE projects, naive_tasks, tasks RESTART IDENTITY;
  INSERT INTO projects (tenant_id, name) VALUES
    ('acme', 'Acme roadmap'), ('globex', 'Globex payroll'),
    ('acme', 'Acme hiring');`;
const RLS_VIOLATION = { code: '42501' }; // insufficient_privilege

// `admin` is the superuser the server starts with; `app` logs in as the
// plain role, through a pool of ONE connection, so every transaction
// below reuses the same session, as a busy production pool would.
const { db: admin, server } = useServerDatabase(SCHEMA,
  { reset: SEED, connections: 2 });
let app!: PoolDb;
let app2!: PoolDb;
const pools: pg.Pool[] = [];
const appPool = (max: number) => {
  const { host, port, database } = server();
  const pool = new pg.Pool({ host, port, database, user: 'tenant_app', max });
  pool.on('error', () => {});
  pools.push(pool);
  return poolDb(pool);
};
beforeAll(() => { app = appPool(1); app2 = appPool(2); });
afterAll(async () => { await Promise.all(pools.map((p) => p.end())); });

const names = async (db: PoolDb, tenant: string) =>
  (await withTenant(db, tenant, listProjects)).map((p) => p.name);
const allRows = async () => (await admin().query<{ tenant_id: string;
  name: string }>('SELECT tenant_id, name FROM projects ORDER BY id')).rows;

describe('the app role', () => {
  it('is not a superuser, cannot bypass RLS, and owns nothing', async () => {
    const { rows } = await app.query(`SELECT r.rolsuper, r.rolbypassrls,
      c.relowner = r.oid AS owns FROM pg_roles r, pg_class c
      WHERE r.rolname = current_user AND c.relname = 'projects'`);
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false,
      owns: false }]);
  });

  it('holds row privileges only, not TRUNCATE, which ignores policies',
    async () => {
      const { rows } = await app.query(`SELECT privilege_type AS p
        FROM information_schema.role_table_grants WHERE grantee = current_user
        AND table_name = 'projects' ORDER BY 1`);
      expect(rows.map((r) => r.p)).toEqual(
        ['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    });
});

describe('a query that forgets WHERE tenant_id', () => {
  it('sees only the current tenant\'s rows', async () => {
    expect(await names(app, 'acme')).toEqual(['Acme roadmap', 'Acme hiring']);
    expect(await names(app, 'globex')).toEqual(['Globex payroll']);
  });

  it('sees nothing when no tenant was set', async () => {
    const { rows } = await app.query('SELECT * FROM projects');
    expect(rows).toEqual([]);
    // The default, current_tenant(), is NULL, and NULL = NULL is not true.
    await expect(app.query("INSERT INTO projects (name) VALUES ('x')"))
      .rejects.toMatchObject(RLS_VIOLATION);
    expect(await allRows()).toHaveLength(3);
  });

  it('cannot read, update or delete another tenant\'s row by id', async () => {
    await withTenant(app, 'acme', async (tx) => {
      expect((await tx.query('SELECT * FROM projects WHERE id = 2')).rows)
        .toEqual([]);
      expect(await renameProject(tx, 2, 'pwned')).toBe(false);
      expect((await tx.query('DELETE FROM projects WHERE id = 2'))
        .affectedRows).toBe(0);
      expect((await tx.query('DELETE FROM projects')).affectedRows).toBe(2);
    });
    expect(await allRows()).toEqual(
      [{ tenant_id: 'globex', name: 'Globex payroll' }]);
  });
});

describe('WITH CHECK', () => {
  it('refuses a new row for another tenant', async () => {
    await expect(withTenant(app, 'acme', (tx) => tx.query(
      "INSERT INTO projects (tenant_id, name) VALUES ('globex', 'x')")))
      .rejects.toMatchObject(RLS_VIOLATION);
    expect(await allRows()).toHaveLength(3);
  });

  it('refuses to move a row to another tenant', async () => {
    await expect(withTenant(app, 'acme', (tx) => tx.query(
      "UPDATE projects SET tenant_id = 'globex' WHERE id = 1")))
      .rejects.toMatchObject(RLS_VIOLATION);
    expect((await allRows())[0]?.tenant_id).toBe('acme');
  });

  it('fills tenant_id from the transaction when the insert omits it', async () => {
    const id = await withTenant(app, 'globex', (tx) => createProject(tx, 'New'));
    expect((await allRows()).find((r) => r.name === 'New'))
      .toEqual({ tenant_id: 'globex', name: 'New' });
    expect(id).toBe(4);
  });
});

describe('the tenant setting on a pooled connection', () => {
  const pid = async (tx: Session) => (await tx.query<{ pid: number }>(
    'SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

  it('ends with its transaction, so the next one starts with no tenant', async () => {
    const first = await withTenant(app, 'acme', pid);
    const after = await app.transaction(async (tx) => ({
      pid: await pid(tx), rows: await listProjects(tx),
      setting: (await tx.query(
        "SELECT current_setting('app.tenant_id', true) AS s")).rows[0],
    }));
    expect(after.pid).toBe(first); // the very same session
    expect(after.rows).toEqual([]);
    expect(after.setting).toEqual({ s: '' });
  });

  it('ends on ROLLBACK too', async () => {
    await expect(withTenant(app, 'acme', async () => {
      throw new Error('handler failed');
    })).rejects.toThrow('handler failed');
    expect((await app.query('SELECT * FROM projects')).rows).toEqual([]);
  });

  it('would leak into the next request if set for the session', async () => {
    // What withTenant avoids: is_local = false outlives the transaction.
    await app.transaction((tx) => tx.query(
      "SELECT set_config('app.tenant_id', 'acme', false)"));
    try {
      expect((await app.query('SELECT * FROM projects')).rows).toHaveLength(2);
    } finally {
      await app.query('RESET app.tenant_id');
    }
  });

  it('stays per session while two tenants\' transactions interleave', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => { entered = resolve; });
    const acme = withTenant(app2, 'acme', async (tx) => {
      const before = await listProjects(tx);
      entered();
      await held; // globex runs and commits while acme is open
      return [before, await listProjects(tx)];
    });
    await inside;
    expect(await names(app2, 'globex')).toEqual(['Globex payroll']);
    release();
    const [before, after] = await acme;
    expect(before).toEqual(after);
    expect(after?.map((p) => p.name)).toEqual(['Acme roadmap', 'Acme hiring']);
  });
});

describe('who bypasses the policy', () => {
  const countAs = (role: string) => admin().transaction(async (tx) => {
    await tx.query(`SET LOCAL ROLE ${role}`);
    await tx.query("SELECT set_config('app.tenant_id', 'acme', true)");
    return (await tx.query('SELECT * FROM projects')).rows.length;
  });

  it('a superuser, always, even with FORCE', async () => {
    expect((await admin().query('SELECT * FROM projects')).rows).toHaveLength(3);
  });

  it('a role with BYPASSRLS, always', async () => {
    expect(await countAs('tenant_support')).toBe(3);
  });

  it('the table owner only without FORCE ROW LEVEL SECURITY', async () => {
    expect(await countAs('tenant_owner')).toBe(2);
    await admin().exec('ALTER TABLE projects NO FORCE ROW LEVEL SECURITY');
    try {
      expect(await countAs('tenant_owner')).toBe(3);
    } finally {
      await admin().exec('ALTER TABLE projects FORCE ROW LEVEL SECURITY');
    }
  });
});

describe('foreign keys, which RLS does not filter', () => {
  const addTask = (table: string, projectId: number) => withTenant(app, 'acme',
    (tx) => tx.query(`INSERT INTO ${table} (project_id) VALUES ($1)`,
      [projectId]));
  const FK_VIOLATION = { code: '23503' };

  it('a key on id alone lets acme point at globex\'s project, and probe ids',
    async () => {
      await addTask('naive_tasks', 2); // globex's project: accepted
      // A missing id fails where globex's succeeded: existence leaks.
      await expect(addTask('naive_tasks', 99)).rejects.toMatchObject(FK_VIOLATION);
    });

  it('a key on (tenant_id, id) refuses another tenant\'s parent', async () => {
    await expect(addTask('tasks', 2)).rejects.toMatchObject(FK_VIOLATION);
    await expect(addTask('tasks', 99)).rejects.toMatchObject(FK_VIOLATION);
    await addTask('tasks', 1); // acme's own project
  });
});

describe('withTenant', () => {
  it('refuses tenant ids that are not plain identifiers', async () => {
    for (const bad of ['', 'Acme', "acme' OR '1'='1", 'a b', 'x'.repeat(64),
      '-acme', 42 as unknown as string]) {
      await expect(withTenant(app, bad, listProjects), String(bad))
        .rejects.toThrow(/tenant id must be/);
    }
  });

  it('does not stop SQL that sets the tenant itself: injection still wins', async () => {
    // The policy trusts app.tenant_id, and any session may set it. RLS
    // catches forgotten filters, not injected SQL (parameterize: Q40).
    const leaked = await withTenant(app, 'acme', async (tx) => {
      await tx.query("SELECT set_config('app.tenant_id', 'globex', true)");
      return listProjects(tx);
    });
    expect(leaked.map((p) => p.name)).toEqual(['Globex payroll']);
  });

  it('puts tenant_id first in the primary key', async () => {
    // PostgreSQL 18 can skip-scan a key whose first column is id, so the
    // plan below alone would not notice the columns swapped.
    const { rows } = await admin().query(`SELECT a.attname FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = 'projects'::regclass AND i.indisprimary`);
    expect(rows).toEqual([{ attname: 'tenant_id' }]);
  });

  it('lets the primary key, tenant_id first, serve the policy', async () => {
    const plan = await withTenant(app, 'acme', async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off'); // few rows; pretend many
      const { rows } = await tx.query<{ 'QUERY PLAN': [{ Plan: unknown }] }>(
        'EXPLAIN (FORMAT JSON) SELECT * FROM projects');
      return parsePlan(rows[0]!['QUERY PLAN'][0].Plan);
    });
    const scan = nodes(plan).find((n) => n.index === 'projects_pkey');
    expect(scan?.indexCond).toMatch(/^\(?tenant_id = /);
  });
});
