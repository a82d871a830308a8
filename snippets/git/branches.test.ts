import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFiles, GitError, type Git, type TempRepo } from './git-run.ts';
import { useRepos } from './use-repos.ts';
import { branchTip, checkBranchName, createBranch, detachAt, readHead, switchBranch } from './branches.ts';

const repo = useRepos();

/**
 * HEAD as the "files" ref backend stores it (the default up to Git 2.x).
 * A reftable repository (Git 3.0's planned default) keeps HEAD elsewhere:
 * then this returns what the files backend would have written.
 */
async function headFile(r: TempRepo) {
  const format = await r.git(['config', '--get', 'extensions.refStorage'], { okCodes: [0, 1] });
  if (format.stdout.trim() === 'reftable') {
    const sym = await r.git(['symbolic-ref', '--quiet', 'HEAD'], { okCodes: [0, 1] });
    return sym.code === 0 ? `ref: ${sym.stdout}` : (await r.git(['rev-parse', 'HEAD'])).stdout;
  }
  return readFile(join(r.dir, '.git', 'HEAD'), 'utf8');
}

describe('a branch is a movable ref', () => {
  it('starts as a new name for the current commit; nothing is copied', async () => {
    const r = await repo();
    const a = await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    const objects = (await r.git(['count-objects'])).stdout;
    expect(await createBranch(r.git, 'feature')).toBe(a);
    expect(await branchTip(r.git, 'feature')).toBe(a);
    expect((await r.git(['count-objects'])).stdout).toBe(objects);
  });

  it('moves the checked-out branch on commit and leaves the others', async () => {
    const r = await repo();
    const a = await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await createBranch(r.git, 'feature');
    await switchBranch(r.git, 'feature');
    const b = await commitFiles(r, { 'app.txt': 'v2\n' }, 'B');
    expect(await branchTip(r.git, 'feature')).toBe(b);
    expect(await branchTip(r.git, 'main')).toBe(a);
    const parent = (await r.git(['rev-parse', 'feature~1'])).stdout.trim();
    expect(parent).toBe(a);
  });

  it('can start from any commit', async () => {
    const r = await repo();
    const a = await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await commitFiles(r, { 'app.txt': 'v2\n' }, 'B');
    expect(await createBranch(r.git, 'hotfix', 'main~1')).toBe(a);
  });

  it('reports no tip for a branch that does not exist', async () => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    expect(await branchTip(r.git, 'nosuch')).toBeNull();
  });

  it.each(['main~1', 'main^{tree}', 'HEAD'])('reads only branch names: %j is refused, not resolved', async (name) => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await commitFiles(r, { 'app.txt': 'v2\n' }, 'B');
    // As a revision, refs/heads/main~1 is main's parent and main^{tree} its tree: neither is a branch tip.
    await expect(branchTip(r.git, name)).rejects.toThrow(RangeError);
  });

  it('will not overwrite an existing branch', async () => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await createBranch(r.git, 'feature');
    const b = await commitFiles(r, { 'app.txt': 'v2\n' }, 'B');
    await expect(createBranch(r.git, 'feature')).rejects.toThrow(/already exists/);
    expect(await branchTip(r.git, 'feature')).not.toBe(b);
  });
});

describe('HEAD', () => {
  it('is a symbolic ref to the current branch, even before the first commit', async () => {
    const r = await repo();
    expect(await readHead(r.git)).toEqual({ kind: 'branch', ref: 'refs/heads/main', commit: null });
    expect(await headFile(r)).toBe('ref: refs/heads/main\n');
    const a = await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    expect(await readHead(r.git)).toEqual({ kind: 'branch', ref: 'refs/heads/main', commit: a });
  });

  it('follows a switch', async () => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await createBranch(r.git, 'feature');
    await switchBranch(r.git, 'feature');
    expect(await headFile(r)).toBe('ref: refs/heads/feature\n');
    expect((await readHead(r.git)).kind).toBe('branch');
  });

  it('is detached after checking out a commit: it holds the id and no branch moves', async () => {
    const r = await repo();
    const a = await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    const b = await commitFiles(r, { 'app.txt': 'v2\n' }, 'B');
    await detachAt(r.git, a);
    expect(await readHead(r.git)).toEqual({ kind: 'detached', commit: a });
    expect(await headFile(r)).toBe(`${a}\n`);
    const sym = await r.git(['symbolic-ref', '--quiet', 'HEAD'], { okCodes: [0, 1] });
    expect(sym.code).toBe(1);
    const c = await commitFiles(r, { 'app.txt': 'v3\n' }, 'C');
    expect(await readHead(r.git)).toEqual({ kind: 'detached', commit: c });
    expect(await branchTip(r.git, 'main')).toBe(b);
    const owners = await r.git(['for-each-ref', '--contains', c, 'refs/heads']);
    expect(owners.stdout).toBe(''); // C is on no branch: only HEAD and the reflog know it
  });

  it('attaches again when you switch to a branch', async () => {
    const r = await repo();
    const a = await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await detachAt(r.git, a);
    await switchBranch(r.git, 'main');
    expect(await readHead(r.git)).toEqual({ kind: 'branch', ref: 'refs/heads/main', commit: a });
  });
});

describe('bad input', () => {
  /** Records every argument list, then runs the real git. */
  function spy(git: Git) {
    const calls: string[][] = [];
    const run: Git = (args, opts) => {
      calls.push([...args]);
      return git(args, opts);
    };
    return { run, calls };
  }

  it.each(['-f', '--force', '--delete', 'HEAD'])('refuses %j before git sees it', async (name) => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    const { run, calls } = spy(r.git);
    await expect(createBranch(run, name)).rejects.toThrow(/^not a usable branch name/);
    expect(calls).toEqual([]);
  });

  it.each(['a..b', 'has space', 'x~1', 'x^', 'a:b', 'what?', 'star*', 'br[ack', 'dot.', 'end.lock',
    '.hidden', 'a//b', '/lead', 'trail/', 'x@{1}', '@{-1}', 'back\\slash', 'nl\nx', 'del\x7f', ''])(
    'refuses the invalid name %j', async (name) => {
      const r = await repo();
      await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
      await expect(createBranch(r.git, name)).rejects.toThrow(/^invalid branch name/);
      expect((await r.git(['branch', '--format=%(refname)'])).stdout).toBe('refs/heads/main\n');
    },
  );

  it.each(['feature/login-v2', 'fix_123', 'release-2026.01', 'Ünïcode'])('accepts %j', async (name) => {
    const r = await repo();
    await expect(checkBranchName(r.git, name)).resolves.toBeUndefined();
  });

  it('refuses to switch to a branch that does not exist', async () => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await expect(switchBranch(r.git, 'nosuch')).rejects.toThrow(GitError);
    expect((await readHead(r.git)).kind).toBe('branch');
  });

  it('refuses to detach at an option or an unknown commit', async () => {
    const r = await repo();
    await commitFiles(r, { 'app.txt': 'v1\n' }, 'A');
    await expect(detachAt(r.git, '--orphan=x')).rejects.toThrow(RangeError);
    await expect(detachAt(r.git, 'nosuch')).rejects.toThrow(RangeError);
    expect((await readHead(r.git)).kind).toBe('branch');
  });

  it('fails as GitError outside a repository', async () => {
    const r = await repo({ init: false });
    await expect(readHead(r.git)).rejects.toMatchObject({ name: 'GitError', code: 128 });
  });
});
