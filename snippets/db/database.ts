/**
 * A fresh, empty PostgreSQL database in-process (PGlite), for the demos and
 * tests of every database snippet. Each call gets its own database: nothing
 * is shared, and its folder is deleted on close.
 *
 * A cold start runs initdb, about 3 s, so we run it once per PGlite version
 * and keep the empty cluster in .cache/ as a folder. Each later database is
 * a copy of that folder in a scratch folder (see scratchDir below), started
 * in about a third of a second. The kept cluster holds only the `postgres`
 * database: its templates, which only CREATE DATABASE reads, are dropped,
 * so a copy is 370 files instead of 970 and a start costs a sixth less. PostgreSQL reads and writes it there as
 * files rather than holding it in the process's memory, and shared_buffers
 * is 16 MB instead of the default 128 MB, which a few demo rows never need:
 * one start peaks at about 150 MB of memory instead of 430 MB.
 */
import { PGlite } from '@electric-sql/pglite';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The saved cluster only fits the PGlite (and PostgreSQL) it was made by.
const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
const { version } = JSON.parse(readFileSync(
  join(entry.slice(0, entry.search(/[\\/]dist[\\/]/)), 'package.json'), 'utf8'),
) as { version: string };
const CACHE = join(dirname(fileURLToPath(import.meta.url)), '../../.cache');

/**
 * A new empty database; close it when done (`await db.close()`). `cacheDir`
 * holds the saved cluster, `scratch` the database folders (tests pick both).
 */
export async function openDatabase(cacheDir?: string, scratch?: string): Promise<PGlite> {
  // The build runs every demo in one process, and there (only there) it
  // lends out a database an earlier demo closed, emptied back to this
  // same state, which saves starting PostgreSQL again:
  // src/lib/demos/database-pool.ts. Run on its own, a demo never sees it.
  const pool = (globalThis as { demoDatabasePool?: WarmDatabases }).demoDatabasePool;
  if (pool && cacheDir === undefined && scratch === undefined) return pool.borrow(() => startDatabase());
  return startDatabase(cacheDir, scratch);
}

interface WarmDatabases {
  borrow(start: () => Promise<PGlite>): Promise<PGlite>;
}

async function startDatabase(cacheDir = CACHE, scratch = scratchDir()): Promise<PGlite> {
  const template = join(cacheDir, `pglite-${version}-postgres-only`);
  if (!existsSync(template)) await saveEmptyCluster(template);
  removeAbandoned(scratch);
  const dir = mkdtempSync(join(scratch, `pglite-${process.pid}-`));
  cpSync(template, dir, { recursive: true });
  openFolders.add(dir);
  const db = await PGlite.create({ dataDir: dir });
  const close = db.close.bind(db);
  db.close = async () => {
    try {
      await close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      openFolders.delete(dir);
    }
  };
  try {
    await db.exec(LOAD_PLPGSQL);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * PL/pgSQL, loaded into every database from the start (~20 ms).
 * PostgreSQL loads it at the first PL/pgSQL function or DO block and
 * cannot unload it; from then on pg_settings lists its five settings (and
 * a made-up setting under `plpgsql.` is refused).
 * Loaded up front, a database has the same settings before and after a
 * demo used PL/pgSQL, so the build's demo host can empty it and lend it
 * to the next demo (src/lib/demos/database-pool.ts) instead of starting
 * another, ~0.3 s of CPU each. The browser runner's database loads it too.
 */
const LOAD_PLPGSQL = `LOAD 'plpgsql'`;

/**
 * Where database folders go: Linux's in-memory /dev/shm when it has room,
 * since a cluster is about 970 small files and creating them on a disk is
 * slow (250 ms here on ext4, 20 ms on /dev/shm); else the temporary folder.
 * Both let any user in, so the real server (postgres-server.ts) uses it too.
 */
export function scratchDir(): string {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize >= 1024 ** 3) return '/dev/shm';
  } catch {
    // No /dev/shm (macOS, Windows).
  }
  return tmpdir();
}

/**
 * Folders of databases still open: removed at exit even if a test forgot
 * to close one. One set and one exit listener per process, even where this
 * module is loaded many times (the build's demo host loads a fresh copy
 * for each demo, and a listener each would pass Node's limit of 10).
 */
const OPEN_FOLDERS = Symbol.for('handbook.openDatabaseFolders');
const openFolders = ((process as unknown as Record<symbol, Set<string>>)[OPEN_FOLDERS] ??= (() => {
  const folders = new Set<string>();
  process.once('exit', () => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
  return folders;
})());

/**
 * A process that was killed (a demo past its timeout, say) ran no exit
 * handler, and on /dev/shm its folder would hold memory until a reboot.
 * Folders are named after their process, so once per process we remove
 * those whose process is gone.
 */
const swept = new Set<string>();
function removeAbandoned(scratch: string): void {
  if (swept.has(scratch)) return;
  swept.add(scratch);
  for (const name of readdirSync(scratch)) {
    const pid = /^pglite-(\d+)-/.exec(name)?.[1];
    if (pid && !isRunning(Number(pid))) rmSync(join(scratch, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // Signal 0 checks that the process exists; it sends nothing.
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // Exists, but is another user's.
  }
}

async function saveEmptyCluster(template: string): Promise<void> {
  // Build aside, then rename: parallel test workers never start from half a folder.
  const partial = `${template}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const db = await PGlite.create({ dataDir: partial });
  await db.exec(`ALTER SYSTEM SET shared_buffers = '16MB'`);
  for (const name of ['template0', 'template1']) {
    await db.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
    await db.exec(`DROP DATABASE ${name}`);
  }
  await db.close();
  try {
    renameSync(partial, template);
  } catch (error) {
    // Another worker saved its copy first; ours is the same, so drop it.
    if (!existsSync(template)) throw error;
    rmSync(partial, { recursive: true, force: true });
  }
}
