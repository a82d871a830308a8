import { execFileSync } from 'node:child_process';

const histories = new Map<string, Map<string, Date> | null>();

/**
 * When a file was last changed, from git history; undefined when git is
 * missing or the file has no commit yet, so the page shows no date rather
 * than a wrong one. Shallow clones give the date of the shallow tip: CI
 * fetches full history (see .github/workflows).
 *
 * One `git log` per folder and process reads every file's date (a build
 * asked git once per page before: a quarter of a second for 21 pages).
 */
export function lastCommitDate(file: string, cwd: string): Date | undefined {
  let dates = histories.get(cwd);
  if (dates === undefined) {
    dates = readHistory(cwd);
    histories.set(cwd, dates);
  }
  return dates?.get(file.replaceAll('\\', '/'));
}

/** Newest commit date of every file under `cwd` (paths relative to it), or null without git. */
function readHistory(cwd: string): Map<string, Date> | null {
  let log: string;
  try {
    log = execFileSync('git', ['log', '--format=%x01%cI', '--name-only', '--relative', '--no-renames'], {
      cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20,
    });
  } catch {
    return null;
  }
  const dates = new Map<string, Date>();
  // Newest commit first: "\x01<date>\n\n<file>\n<file>…" per commit.
  for (const commit of log.split('\x01').slice(1)) {
    const [date = '', ...files] = commit.split('\n');
    for (const name of files) if (name && !dates.has(name)) dates.set(name, new Date(date));
  }
  return dates;
}

/** `2026-11-24`, the same in every time zone. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
