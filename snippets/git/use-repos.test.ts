import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TempRepo } from './git-run.ts';
import { spyGit, useRepos } from './use-repos.ts';

describe('useRepos', () => {
  const repo = useRepos();
  let first: TempRepo | undefined;

  it('makes a repository that exists during the test', async () => {
    first = await repo();
    expect(existsSync(first.dir)).toBe(true);
  });

  it('removed the previous test\'s repository after it ended', () => {
    expect(first).toBeDefined();
    expect(existsSync(first!.dir)).toBe(false);
  });
});

describe('spyGit', () => {
  const repo = useRepos();

  it('records each argument list and still runs git', async () => {
    const r = await repo();
    const { run, calls } = spyGit(r.git);
    const out = await run(['rev-parse', '--is-inside-work-tree']);
    expect(calls).toEqual([['rev-parse', '--is-inside-work-tree']]);
    expect(out.stdout.trim()).toBe('true');
  });
});
