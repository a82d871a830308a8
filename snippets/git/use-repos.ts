/**
 * Test helpers for the Git snippets (tests only: this registers vitest
 * hooks, so no demo may import it). Each test file repeated the same
 * temporary-repository bookkeeping and argument spy.
 */
import { afterEach } from 'vitest';
import { tempRepo, type Git, type TempRepo } from './git-run.ts';

/** A `repo()` maker whose repositories are removed after each test. */
export function useRepos(): (opts?: Parameters<typeof tempRepo>[0]) => Promise<TempRepo> {
  const repos: TempRepo[] = [];
  afterEach(async () => {
    await Promise.all(repos.splice(0).map((r) => r.dispose()));
  });
  return async (opts) => {
    const r = await tempRepo(opts);
    repos.push(r);
    return r;
  };
}

/** Records every argument list, then runs the real git. */
export function spyGit(git: Git): { run: Git; calls: string[][] } {
  const calls: string[][] = [];
  const run: Git = (args, opts) => {
    calls.push([...args]);
    return git(args, opts);
  };
  return { run, calls };
}
