import { execFileSync } from 'node:child_process';

/**
 * When a file was last changed, from git history; undefined when git is
 * missing or the file has no commit yet, so the page shows no date rather
 * than a wrong one. Shallow clones give the date of the shallow tip: CI
 * fetches full history (see .github/workflows).
 */
export function lastCommitDate(file: string, cwd: string): Date | undefined {
  try {
    const out = execFileSync('git', ['log', '-1', '--format=%cI', '--', file], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out ? new Date(out) : undefined;
  } catch {
    return undefined;
  }
}

/** `2026-11-24`, the same in every time zone. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
