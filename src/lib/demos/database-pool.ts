/**
 * Warm PostgreSQL instances for the demo host (demo-host.ts), which runs
 * every demo of a build in one process. Starting a PGlite database costs
 * ~130–300 ms of CPU; emptying one a demo has used costs ~10 ms. So in the
 * host, snippets/db/database.ts borrows a database from this pool (through
 * the hook DATABASE_POOL names on globalThis) and a demo's `db.close()`
 * hands it back, emptied. Standalone runs (`node file.ts`) and tests have
 * no pool: each opens its own database.
 *
 * A demo's output must stay what `node file.ts` prints, so a database goes
 * back into the pool only when its catalogs list exactly what they listed
 * when it was new (catalogSummary, names and settings without OID values);
 * anything else, or any error while emptying it, and it is closed instead.
 * What a reset cannot rewind is the cluster's counters: OIDs, transaction
 * ids, filenodes and WAL positions keep growing. A demo that prints one of
 * those raw would print another number than a standalone run. Nor can
 * it see or remove a custom setting a demo made up (`set_config('app.x',
 * ...)`): pg_settings does not list those, and after a reset
 * current_setting('app.x', true) is '' where a new database gives NULL.
 * And a demo that queries its database after closing it gets an answer
 * (from the instance now in the pool) where a standalone run would throw
 * 'PGlite is closed'. A demo that depends on any of these would print
 * other output than a standalone run;
 * scripts/compare-pooled-demos.ts checks every database demo's output
 * against a standalone run, byte for byte (48 demos, none differed, on
 * 2026-12-02). The host's CPU for all 125 demos went from ~15–19 s to
 * ~11–12 s (indicative, busy 2-core machine; measure with `npm run bench`).
 * PL/pgSQL, once loaded, adds its settings to pg_settings for good, so
 * database.ts loads it into every database when it starts: a database a
 * demo used PL/pgSQL in then empties back to a new one's summary. Before
 * that, the two demos that use it each cost a database (~0.3 s of CPU to
 * start another): 3 of 42 borrows in a cold build started a database,
 * now 1 (2026-12-03).
 */
import type { PGlite } from '@electric-sql/pglite';
import { promisify } from 'node:util';

/** The globalThis property the demo host sets and database.ts reads. */
export const DATABASE_POOL = 'demoDatabasePool';

export interface DatabasePool {
  /** A warm database if one is idle, else `start()`'s; its close() returns it emptied. */
  borrow(start: () => Promise<PGlite>): Promise<PGlite>;
}

/** Lends out databases to every demo this process runs from now on. */
export function installDatabasePool(pool = createDatabasePool()): void {
  unrefPostgresTimers();
  (globalThis as Record<string, unknown>)[DATABASE_POOL] = pool;
}

/**
 * After a statement that leaves statistics to report, PostgreSQL arms a
 * 10 s timer (PGSTAT_IDLE_INTERVAL), which PGlite runs as a setTimeout. A
 * database a demo closes stops it; one kept warm in the pool does not, and
 * the host would wait for it to fire before it calls the demo over (a
 * process's timers keep it running). So in the host PGlite's timers do not
 * keep the process alive: PGlite sets them in its __setitimer_js.
 */
function unrefPostgresTimers(): void {
  const setTimer = globalThis.setTimeout;
  const unrefing = (...args: Parameters<typeof setTimeout>) => {
    const timer = setTimer(...args);
    if (new Error().stack?.includes('__setitimer_js')) timer.unref();
    return timer;
  };
  // util.promisify(setTimeout) still resolves as it would.
  Object.assign(unrefing, { [promisify.custom]: (setTimer as unknown as Record<symbol, unknown>)[promisify.custom] });
  globalThis.setTimeout = unrefing as typeof setTimeout;
}

/** The first OID initdb leaves to user objects (FirstNormalObjectId). */
const FIRST_USER_OID = 16384;

/**
 * Session state first (a demo may have left a transaction open, a role
 * set, cursors, prepared statements, temporary tables, LISTENs, advisory
 * locks): DISCARD ALL cannot run in the implicit transaction of a
 * multi-statement string, so these run one by one.
 */
const RESET_SESSION = ['ROLLBACK', 'DISCARD ALL'];

/**
 * Then, as the bootstrap superuser again, statements that drop everything
 * a demo can create. Built from the catalogs rather than run as a DO block,
 * which would load PL/pgSQL: database.ts has loaded it already, but a
 * reset must not depend on that.
 */
const DROP_STATEMENTS = `
SELECT format('DROP EVENT TRIGGER %I CASCADE', evtname) FROM pg_event_trigger
UNION ALL SELECT format('DROP PUBLICATION %I CASCADE', pubname) FROM pg_publication
UNION ALL SELECT format('DROP EXTENSION %I CASCADE', extname) FROM pg_extension WHERE oid >= ${FIRST_USER_OID}
UNION ALL SELECT format('DROP SCHEMA %I CASCADE', nspname) FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
UNION ALL SELECT format('SELECT lo_unlink(%s)', oid) FROM pg_largeobject_metadata
UNION ALL SELECT format('DROP OWNED BY %I CASCADE; DROP ROLE %I', rolname, rolname) FROM pg_roles WHERE oid >= ${FIRST_USER_OID}
UNION ALL SELECT format('ALTER DATABASE %I RESET ALL', current_database())
UNION ALL SELECT 'ALTER ROLE ALL RESET ALL; ALTER ROLE CURRENT_USER RESET ALL'
UNION ALL SELECT 'CREATE SCHEMA public AUTHORIZATION pg_database_owner'
UNION ALL SELECT 'GRANT USAGE ON SCHEMA public TO PUBLIC'
UNION ALL SELECT $$COMMENT ON SCHEMA public IS 'standard public schema'$$`;

/**
 * What a database holds, as names and settings: every relation, type,
 * function, operator, schema, role, extension, setting, grant, default
 * privilege, comment and so on, with OIDs replaced by the names they stand
 * for, and for every catalog the number of rows that are not initdb's.
 * Two databases with the same summary answer every catalog query a demo
 * makes the same way, bar raw OID values.
 */
export const CATALOG_SUMMARY = `
SELECT format('schema %s %s %s', nspname, nspowner::regrole, nspacl) FROM pg_namespace
UNION ALL SELECT format('relation %s.%s %s %s', relnamespace::regnamespace, relname, relkind, relacl) FROM pg_class
  WHERE oid >= ${FIRST_USER_OID} OR relacl IS NOT NULL
UNION ALL SELECT format('type %s.%s %s', typnamespace::regnamespace, typname, typacl) FROM pg_type
  WHERE oid >= ${FIRST_USER_OID} OR typacl IS NOT NULL
UNION ALL SELECT format('function %s %s', oid::regprocedure, proacl) FROM pg_proc
  WHERE oid >= ${FIRST_USER_OID} OR proacl IS NOT NULL
UNION ALL SELECT format('operator %s', oid::regoperator) FROM pg_operator WHERE oid >= ${FIRST_USER_OID}
UNION ALL SELECT format('role %s %s %s %s %s %s %s %s %s', rolname, rolsuper, rolinherit, rolcreaterole,
    rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit) FROM pg_roles
UNION ALL SELECT format('member %s %s', roleid::regrole, member::regrole) FROM pg_auth_members
UNION ALL SELECT format('database %s %s %s %s', datname, datdba::regrole, datallowconn, datacl) FROM pg_database
UNION ALL SELECT format('extension %s %s', extname, extversion) FROM pg_extension
UNION ALL SELECT format('language %s %s', lanname, lanacl) FROM pg_language
UNION ALL SELECT format('role setting %s %s %s', setdatabase <> 0, setrole::regrole, setconfig) FROM pg_db_role_setting
UNION ALL SELECT format('default acl %s %s %s %s', defaclrole::regrole, defaclnamespace::regnamespace, defaclobjtype, defaclacl) FROM pg_default_acl
UNION ALL SELECT format('setting %s=%s %s', name, setting, source) FROM pg_settings
UNION ALL SELECT format('file setting %s=%s', name, setting) FROM pg_file_settings
UNION ALL SELECT format('comments on initdb objects %s %s', count(*),
    sum(hashtext(description)::bigint * 31 + objoid::bigint * 7 + classoid::bigint + objsubid))
  FROM pg_description WHERE objoid < ${FIRST_USER_OID} AND objoid <> 'public'::regnamespace
UNION ALL SELECT format('comment on public %s', obj_description(oid, 'pg_namespace')) FROM pg_namespace WHERE nspname = 'public'
UNION ALL SELECT format('shared comment %s %s', classoid::regclass, description) FROM pg_shdescription
UNION ALL SELECT format('session %s %s %s', current_user, session_user, current_setting('search_path'))
UNION ALL SELECT format('prepared statement %s', name) FROM pg_prepared_statements
UNION ALL SELECT format('cursor %s', name) FROM pg_cursors
UNION ALL SELECT format('lock %s %s', locktype, mode) FROM pg_locks WHERE locktype = 'advisory'
UNION ALL SELECT format('listening %s', pg_listening_channels())
ORDER BY 1`;

/** Every catalog, and whether its rows have OIDs (a row at FIRST_USER_OID or past it is not initdb's). */
const CATALOGS = `
SELECT c.oid::regclass::text AS catalog, EXISTS (SELECT FROM pg_attribute a
    WHERE a.attrelid = c.oid AND a.attname = 'oid' AND NOT a.attisdropped) AS "hasOid"
  FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' ORDER BY 1`;

/**
 * initdb's own rows, which a demo can alter in place (ALTER ROLE postgres
 * PASSWORD or VALID UNTIL, ALTER DATABASE postgres CONNECTION LIMIT, ALTER
 * FUNCTION lower(text) COST, ALTER TEXT SEARCH CONFIGURATION english ...)
 * and a reset does not put back: one hash per catalog of every row with an
 * OID below FIRST_USER_OID, or of every row in a catalog without OIDs,
 * whose user rows the reset dropped. Left out: the statistics ANALYZE
 * writes (pg_statistic, and pg_class's counts and file numbers, which grow
 * like the cluster's other counters), pg_database's freeze horizons,
 * pg_depend (initdb's rows there do not change; a demo's left over means
 * its objects are, which the user row counts show), pg_description
 * (CATALOG_SUMMARY hashes initdb's comments), and the row for the
 * public schema's initial privileges, which the reset's DROP SCHEMA public
 * removes, with its initdb row and comment. Hashing them is most of a
 * summary's cost; catalogSummary says how a reset skips most of it.
 * initdbCatalogs says which rows of which catalogs; initdbRows hashes them.
 */
const initdbCatalogs = (catalogs: readonly { catalog: string; hasOid: boolean }[]) => catalogs
  .filter(({ catalog }) => !['pg_statistic', 'pg_largeobject', 'pg_depend', 'pg_description'].includes(catalog))
  .map(({ catalog, hasOid }) => ({ catalog, where: `${hasOid ? `oid < ${FIRST_USER_OID}` : 'true'}${
    catalog === 'pg_init_privs' ? ` AND NOT (classoid = 'pg_namespace'::regclass AND objoid = ${PUBLIC_OID})`
    : catalog === 'pg_namespace' ? ` AND oid <> ${PUBLIC_OID}` : ''}` }));

/** The query for the initdb rows lines of `catalogs`, one per catalog. */
const initdbRows = (catalogs: readonly { catalog: string; where: string }[]) => catalogs
  .map(({ catalog, where }) => `SELECT format('initdb rows %s %s %s', '${catalog}', ${mark(catalog)}, sum(hashtext(${
    ROW_TEXT[catalog] ?? 't::text'})::bigint)) FROM ${catalog} t WHERE ${where}`)
  .join('\nUNION ALL ');

/**
 * Flags the hash covers that PostgreSQL overwrites in place, in the row
 * version that has them, so with no new xmin: building an index sets
 * relhasindex (index_update_stats), and a rollback or a DROP INDEX leaves
 * it set; VACUUM clears relhasindex, relhasrules and relhastriggers once
 * stale (vac_update_relstats); DROP DATABASE marks a row invalid in
 * datconnlimit, and a login clears dathasloginevt. Each row's flags with
 * its OID, so that one row's flag set and another's cleared still show.
 */
const IN_PLACE: Record<string, string> = {
  pg_class: 'oid, relhasindex, relhasrules, relhastriggers',
  pg_database: 'oid, datconnlimit, dathasloginevt',
};

/** What an initdb rows line starts with after its catalog: the row count, and a hash of the flags IN_PLACE names. */
const mark = (catalog: string) => IN_PLACE[catalog]
  ? `format('%s %s', count(*), sum(hashtext((${IN_PLACE[catalog]})::text)::bigint))` : 'count(*)';

/** The OID initdb gives the public schema (PG_PUBLIC_NAMESPACE), which a reset drops and makes anew. */
const PUBLIC_OID = 2200;

/** A row as the text initdbRows hashes, where not the whole row's: less the counters, or the bulk of a view's parse tree. */
const ROW_TEXT: Record<string, string> = {
  pg_class: `(to_jsonb(t) - '{relpages,reltuples,relallvisible,relallfrozen,relfrozenxid,relminmxid,relfilenode}'::text[])::text`,
  pg_database: `(to_jsonb(t) - '{datfrozenxid,datminmxid}'::text[])::text`,
  pg_rewrite: `format('%s %s %s %s %s', oid, ev_class, ev_enabled, pg_column_size(ev_action), pg_column_size(ev_qual))`,
};

/**
 * The first transaction id not yet given out: every row version written
 * from now on has an xmin at or past it.
 */
async function nextXid(db: PGlite): Promise<bigint> {
  const { rows } = await db.query<[string]>('SELECT txid_snapshot_xmax(txid_current_snapshot())::text', [], { rowMode: 'array' });
  return BigInt(rows[0]![0]);
}

/** A database's summary when it was new, and the next transaction id then (see catalogSummary). */
export interface Baseline {
  summary: string[];
  nextXid: bigint;
}

/** The baseline of a database as it is now. */
export async function baselineOf(db: PGlite): Promise<Baseline> {
  const next = await nextXid(db);
  return { summary: await catalogSummary(db), nextXid: next };
}

/**
 * The summary as one list of lines. The public schema a reset recreates
 * is the one user object a reset database has, so it is left out of the
 * count of user rows in pg_namespace.
 *
 * Hashing initdb's rows is most of the summary's cost (~100 of ~120 ms per
 * reset, liftoff-only, 2026-12-02). Given the `baseline` of the database
 * when new, a catalog is hashed only if a row of it was written since:
 * PostgreSQL writes a new row version, with a new xmin, for every change
 * but its in-place ones, of counters ROW_TEXT leaves out (VACUUM, ANALYZE)
 * and of the flags IN_PLACE names. A catalog with as many initdb rows as
 * then, the same flags and none written since has the line it had then.
 * ~20 ms instead of ~100.
 */
export async function catalogSummary(db: PGlite, baseline?: Baseline): Promise<string[]> {
  const lines = (await db.query<string[]>(CATALOG_SUMMARY, [], { rowMode: 'array' })).rows.map(([line]) => line!);
  const catalogs = (await db.query<{ catalog: string; hasOid: boolean }>(CATALOGS)).rows;
  const counts = await db.query<string[]>(catalogs.filter(({ hasOid }) => hasOid).map(({ catalog }) =>
    `SELECT format('user rows %s %s', '${catalog}', count(*)) FROM ${catalog} WHERE oid >= ${FIRST_USER_OID}`
    + (catalog === 'pg_namespace' ? ` AND nspname <> 'public'` : '')).join('\nUNION ALL '), [], { rowMode: 'array' });
  const hashed = initdbCatalogs(catalogs);
  let kept: string[] = [];
  let toHash = hashed;
  if (baseline) {
    const written = await db.query<[string, string, boolean]>(hashed.map(({ catalog, where }) =>
      `SELECT '${catalog}', (${mark(catalog)})::text, bool_or(xmin::text::bigint >= ${baseline.nextXid}) FROM ${catalog} t WHERE ${where}`)
      .join('\nUNION ALL '), [], { rowMode: 'array' });
    // One initdb rows line per catalog, found by name. Searching the summary's ~820 lines per catalog, and
    // per line below, took ~3 ms of each reset (37 in a cold build; 2026-12-03); Map and Set take ~0.1.
    const then = byCatalog(baseline.summary.filter((line) => line.startsWith('initdb rows ')));
    const same = new Map(written.rows.map(([catalog, marked, changed]) => {
      const line = then.get(catalog);
      return [catalog, !changed && line?.startsWith(`initdb rows ${catalog} ${marked} `) ? line : undefined];
    }));
    kept = [...same.values()].filter((line) => line !== undefined);
    toHash = hashed.filter(({ catalog }) => same.get(catalog) === undefined);
  }
  const rows = toHash.length ? (await db.query<string[]>(initdbRows(toHash), [], { rowMode: 'array' })).rows.map(([line]) => line!) : [];
  const lineOf = byCatalog([...kept, ...rows]);
  return [...lines, ...counts.rows.map(([line]) => line!), ...hashed.map(({ catalog }) => lineOf.get(catalog)!)];
}

/** `initdb rows <catalog> …` lines by their catalog, the line's third word. */
const byCatalog = (lines: readonly string[]) => new Map(lines.map((line) => [line.split(' ')[2], line]));

/** Empties a database a demo has used; throws if anything is left that a new one lacks. */
export async function resetDatabase(db: PGlite, baseline: Baseline): Promise<void> {
  for (const statement of RESET_SESSION) await db.exec(statement);
  const drops = await db.query<string[]>(DROP_STATEMENTS, [], { rowMode: 'array' });
  for (const [statement] of drops.rows) await db.exec(statement!);
  const expected = baseline.summary;
  const now = await catalogSummary(db, baseline);
  const expectedLines = new Set(expected);
  const nowLines = new Set(now);
  const extra = now.filter((line) => !expectedLines.has(line));
  const missing = expected.filter((line) => !nowLines.has(line));
  if (extra.length || missing.length) {
    throw new Error(`database not empty after reset: ${[...extra.map((l) => `+ ${l}`), ...missing.map((l) => `- ${l}`)].slice(0, 5).join('; ')}`);
  }
}

interface Warm {
  db: PGlite;
  /** Its own close(), which stops it and deletes its folder. */
  close: () => Promise<void>;
  /** Its catalogs when new. */
  baseline: Baseline;
}

/**
 * A pool of at most `keep` idle databases. A borrowed database whose own
 * properties a demo changed (a wrapped method, say) is closed, not kept.
 */
export function createDatabasePool({ keep = 2, onDiscard = (_error: unknown) => {} } = {}): DatabasePool {
  const idle: Warm[] = [];
  const lend = (warm: Warm): PGlite => {
    const { db } = warm;
    // Callbacks a demo registers live in PGlite's private fields, which no
    // reset reaches: they are tracked here and removed when it is returned.
    const unsubscribes: (() => Promise<void> | void)[] = [];
    const { listen, onNotification } = Object.getPrototypeOf(db) as PGlite;
    db.listen = async (...args: Parameters<PGlite['listen']>) => {
      const unlisten = await listen.apply(db, args);
      unsubscribes.push(unlisten);
      return unlisten;
    };
    db.onNotification = (callback) => {
      const off = onNotification.call(db, callback);
      unsubscribes.push(off);
      return off;
    };
    let returned = false;
    db.close = async () => {
      // Once returned, it is closed as far as the demo is concerned, through
      // db.close or a reference it kept: by then the database is idle in the
      // pool or lent to a later demo (which gets a close of its own).
      if (returned) throw new Error('PGlite is closed');
      returned = true;
      // The wrappers made here go with `properties`: it holds the
      // instance's Emscripten module, and they share this scope, so a
      // discarded database a demo still held kept its ~135 MB of
      // WebAssembly memory as long as the demo's module lived: for ever.
      const changed = !sameProperties(db, properties);
      properties = [];
      delete (db as Partial<PGlite>).listen;
      delete (db as Partial<PGlite>).onNotification;
      try {
        if (idle.length >= keep) throw new Error('pool full');
        if (changed) throw new Error('a demo changed the instance');
        for (const unsubscribe of unsubscribes) await unsubscribe();
        await resetDatabase(db, warm.baseline);
        idle.push(warm);
      } catch (error) {
        onDiscard(error);
        await warm.close();
      }
    };
    let properties = Object.entries(db);
    return db;
  };
  return {
    async borrow(start) {
      const warm = idle.pop();
      if (warm) return lend(warm);
      const db = await start();
      return lend({ db, close: db.close, baseline: await baselineOf(db) });
    },
  };
}

const sameProperties = (db: object, before: [string, unknown][]) => {
  const now = Object.entries(db);
  return now.length === before.length && before.every(([key, value]) => key === 'close' || (db as Record<string, unknown>)[key] === value);
};
