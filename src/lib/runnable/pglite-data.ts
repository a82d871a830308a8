/**
 * The empty PostgreSQL cluster the database demos start from in Node
 * (`.cache/pglite-<version>-postgres-only`, made by snippets/db/database.ts),
 * as the gzipped tar PGlite's `loadDataDir` reads (the layout of its own
 * `dumpDataDir`: paths from the data folder's root, each with a leading
 * `/`). The browser runner starts each PGlite from it instead of running
 * initdb, about 3 s of CPU per run, and starts from the very cluster the
 * build's demos started from.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/** The installed PGlite's version: the cluster fits only the PGlite that made it. */
export const pgliteVersion = (root: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;

/** The cluster's folder for `root`, made first (by starting one database in Node) when it is missing. */
export async function pgliteTemplate(root: string, version: string): Promise<string> {
  const template = join(root, `.cache/pglite-${version}-postgres-only`);
  if (!existsSync(template)) {
    const database = JSON.stringify(join(root, 'snippets/db/database.ts'));
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', `const { openDatabase } = await import(${database}); await (await openDatabase()).close();`]);
  }
  return template;
}

/** One ustar header block. */
function header(name: string, size: number, type: '0' | '5', mode: number): Uint8Array {
  if (name.length > 99) throw new Error(`pglite-data: the path ${name} is longer than a tar header holds`);
  const block = new Uint8Array(512);
  const put = (text: string, at: number) => block.set(new TextEncoder().encode(text), at);
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0');
  put(name, 0);
  put(octal(mode, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  put('        ', 148);
  put(type, 156);
  put('ustar\u000000', 257);
  put(`${octal(block.reduce((sum, byte) => sum + byte, 0), 7)}\u0000 `, 148);
  return block;
}

/**
 * The folder `dir` as a gzipped tar, entries sorted, so the same folder
 * gives the same bytes. Compressed on libuv's thread pool: 25 MB take a
 * quarter of a second, which Astro's thread spends rendering pages instead.
 */
export async function tarGz(dir: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = `${rel}/${name}`;
      const stat = statSync(join(dir, path));
      if (stat.isDirectory()) {
        parts.push(header(path, 0, '5', 0o755));
        walk(path);
      } else {
        const bytes = readFileSync(join(dir, path));
        parts.push(header(path, bytes.length, '0', 0o600), bytes, new Uint8Array((512 - (bytes.length % 512)) % 512));
      }
    }
  };
  walk('');
  parts.push(new Uint8Array(1024));
  return promisify(gzip)(Buffer.concat(parts));
}
