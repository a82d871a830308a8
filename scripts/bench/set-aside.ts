import { lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Clears build state before a timed build by moving it into `trash` (a
 * folder on the same filesystem: a path that cannot be moved there is
 * deleted, with a warning) rather than deleting it; `emptyTrash` deletes it
 * all when nothing more is timed.
 *
 * Deleting costs the next build. On ext4 without a journal, as on these
 * machines, each new file's inode is found by a scan of its block group
 * that passes over every inode freed in the last minute or so (five more
 * while the inode table is unwritten): fs/ext4/ialloc.c, recently_deleted.
 * With the build state of the builds before it deleted just ahead of it,
 * a cold build of ours spent 2.2–7.8% of its CPU in that scan (perf record
 * -a, 2026-12-03), against 0.3% with the state moved aside after a quiet
 * minute. A fresh clone pays none of it, and a build that writes more
 * files pays more, so both sites are cleared this way.
 */
export function setAside(paths: readonly string[], trash: string): void {
  for (const path of paths) {
    // lstat: a symlink (to a folder or to nothing) is moved itself, as rm would delete it.
    if (!lstatSync(path, { throwIfNoEntry: false })) continue;
    mkdirSync(trash, { recursive: true });
    // A folder of its own per path, so no two paths (or two benches) take one name.
    const slot = mkdtempSync(join(trash, 'n-'));
    try {
      renameSync(path, join(slot, basename(path)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      console.warn(`setAside: ${path} is on another filesystem than ${trash}; deleting it instead`);
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** Deletes everything `setAside` moved into `trash`. */
export function emptyTrash(trash: string): void {
  rmSync(trash, { recursive: true, force: true });
}
