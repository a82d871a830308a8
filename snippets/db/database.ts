/**
 * A fresh, empty PostgreSQL database in-process (PGlite), for the demos and
 * tests of every database snippet. A cold start runs initdb, about 3 s; we
 * run it once per PGlite version, keep the empty data directory in .cache/
 * as a plain tar (40 MB: gunzipping the 4.5 MB .tgz took longer than the
 * rest of a start), and start later databases from that copy in about half
 * a second. Each call still gets its own database: nothing is shared.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The saved copy only fits the PGlite (and PostgreSQL) it was made by.
const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
const { version } = JSON.parse(readFileSync(
  join(entry.slice(0, entry.search(/[\\/]dist[\\/]/)), 'package.json'), 'utf8'),
) as { version: string };
const CACHE = join(dirname(fileURLToPath(import.meta.url)), '../../.cache');

/** A new empty database; close it when done (`await db.close()`). */
export async function openDatabase(cacheDir = CACHE): Promise<PGlite> {
  const file = join(cacheDir, `pglite-${version}-empty.tar`);
  let saved: Buffer | undefined;
  try {
    saved = readFileSync(file);
  } catch {
    // First start on this machine: create it and keep a copy below.
  }
  if (saved) return PGlite.create({ loadDataDir: new Blob([saved]) });
  const db = await PGlite.create();
  const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  mkdirSync(cacheDir, { recursive: true });
  // Write aside, then rename: parallel test workers never read half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, dump);
  renameSync(partial, file);
  return db;
}
