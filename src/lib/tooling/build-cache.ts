import { createHash, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A folder of build results kept by the hash of what made them, so a
 * later build reuses a result whose inputs are unchanged (highlighted
 * code, rendered diagrams). The key is the input plus a salt naming
 * everything else the result depends on: the libraries that make it
 * (package-lock.json, and node_modules/.package-lock.json for what is
 * installed) and the source of our modules that shape it.
 * `npm run bench` clears the folder for a cold build.
 */
export interface BuildCache {
  /** Folder of `<key>.<ext>` files, like `.cache/code-highlight`. */
  dir: string;
  /** Hash of what every result depends on besides its own input. */
  salt: string;
}

/**
 * Feeds `hash` the packages a result may depend on: package-lock.json, and
 * npm's record of what is installed (node_modules/.package-lock.json,
 * written by every install, --no-save included), since the lock file says
 * only what should be. Every build cache keys on it.
 */
export function hashPackages(hash: Hash, root: string): Hash {
  for (const name of ['package-lock.json', 'node_modules/.package-lock.json']) {
    hash.update(`\0${name}\0`).update(fileDigest(join(root, name)));
  }
  return hash;
}

/** A file's SHA-256 by path, with the stat it was read under. */
const digests = new Map<string, { stamp: string; digest: string }>();

/**
 * The SHA-256 of `file`, or 'missing'. The two lock files are ~0.5 MB
 * together, and a cold build keyed 250 demo outputs on them, reading and
 * hashing 125 MB (strace, 2026-12-02); so a digest is kept while the
 * file's inode, size and modification time stay the same. A file changed
 * in the last two seconds is read every time: the kernel stamps files with
 * a coarse clock (a few ms), so a second write that soon may keep the
 * stamp of the first.
 */
export function fileDigest(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false, bigint: true });
  if (!stat) return 'missing';
  const stamp = `${stat.ino} ${stat.size} ${stat.mtimeNs} ${stat.ctimeNs}`;
  const known = digests.get(file);
  if (known?.stamp === stamp) return known.digest;
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  const settled = Date.now() - Number(stat.mtimeMs) > 2000 && Date.now() - Number(stat.ctimeMs) > 2000;
  if (settled) digests.set(file, { stamp, digest });
  else digests.delete(file);
  return digest;
}

/**
 * A cache in `dir` whose results depend on the repository's locked
 * packages and on `sources` (files, usually our modules that make the
 * results). Throws, naming the file, when one of them is missing.
 */
export function buildCache(root: string, dir: string, sources: readonly string[]): BuildCache {
  const hash = hashPackages(createHash('sha256'), root);
  for (const file of [join(root, 'package-lock.json'), ...sources]) {
    if (!existsSync(file)) throw new Error(`${file}: a build cache depends on it, but it is missing`);
    hash.update(`\0${file.slice(root.length)}\0`).update(readFileSync(file));
  }
  return { dir, salt: hash.digest('hex') };
}

const fileOf = (cache: BuildCache, input: string, ext: string) =>
  join(cache.dir, `${createHash('sha256').update(cache.salt).update(input).digest('hex').slice(0, 40)}.${ext}`);

/**
 * The bytes kept for `input`, or undefined. An empty file counts as none:
 * no result is empty, and a crash soon after the rename can leave one so.
 */
function keptBytes(cache: BuildCache, input: string, ext: string): Buffer | undefined {
  const file = fileOf(cache, input, ext);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  return bytes.length > 0 ? bytes : undefined;
}

/** The result kept for `input`, or undefined. */
export function readCached(cache: BuildCache, input: string, ext = 'txt'): string | undefined {
  return keptBytes(cache, input, ext)?.toString('utf8');
}

/** Keeps `result` for `input`. */
export function writeCached(cache: BuildCache, input: string, result: string | Uint8Array, ext = 'txt'): void {
  writeFileAside(fileOf(cache, input, ext), result);
}

/**
 * Writes `data` to `file` (its folder made if missing) aside, then renames
 * it into place: a build stopped halfway, or one running beside it, never
 * reads half a file. Every cache under .cache/ writes through it.
 */
export function writeFileAside(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

/** The result kept for `input`, else `make(input)`, kept for next time. */
export function cachedResult(cache: BuildCache, input: string, make: () => string, ext = 'txt'): string {
  const kept = readCached(cache, input, ext);
  if (kept !== undefined) return kept;
  const result = make();
  writeCached(cache, input, result, ext);
  return result;
}

/**
 * The bytes kept for `input`, else those `make()` returns, kept for next
 * time; `kept` says which.
 */
export function cachedBytes(cache: BuildCache, input: string, ext: string, make: () => Uint8Array): { bytes: Buffer; kept: boolean } {
  const kept = keptBytes(cache, input, ext);
  if (kept) return { bytes: kept, kept: true };
  const bytes = Buffer.from(make());
  writeCached(cache, input, bytes, ext);
  return { bytes, kept: false };
}

/**
 * Deletes every kept `.<ext>` result but the one for `input`: for a result
 * only the latest of which is ever wanted (the EPUB, megabytes each), so the
 * folder does not grow by one with every change to the book.
 */
export function dropOtherResults(cache: BuildCache, input: string, ext: string): void {
  const keep = basename(fileOf(cache, input, ext));
  if (!existsSync(cache.dir)) return;
  for (const name of readdirSync(cache.dir)) {
    if (name.endsWith(`.${ext}`) && name !== keep) rmSync(join(cache.dir, name), { force: true });
  }
}
