import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { commitFiles, GitError, tempRepo, type Git } from './git-run.ts';
import { useRepos, spyGit } from './use-repos.ts';
import { changedFiles, checkMerge, parseMergeTree } from './merge-check.ts';

const repo = useRepos();

const spy = spyGit;

/**
 * main and feature both start at `base`; each then commits its own files.
 * Returns the repository with main checked out.
 */
async function forked(
  base: Record<string, string>,
  onMain: Record<string, string | null>,
  onFeature: Record<string, string | null>,
  opts?: Parameters<typeof tempRepo>[0],
) {
  const r = await repo(opts);
  const baseId = await commitFiles(r, base, 'base');
  await r.git(['branch', 'feature']);
  if (Object.keys(onMain).length) await commitFiles(r, onMain, 'main work');
  await r.git(['switch', '--quiet', 'feature']);
  if (Object.keys(onFeature).length) await commitFiles(r, onFeature, 'feature work');
  await r.git(['switch', '--quiet', 'main']);
  return { r, baseId };
}

/** HEAD, index and work tree, to prove a check changed none of them. */
async function snapshot(git: Git) {
  const head = (await git(['rev-parse', 'HEAD'])).stdout;
  const status = (await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'])).stdout;
  const index = (await git(['ls-files', '--stage', '-z'])).stdout;
  return { head, status, index };
}

describe('checkMerge', () => {
  it('finds a clean merge, and its tree is the one `git merge` makes', async () => {
    const { r } = await forked({ 'a.txt': 'a\n', 'b.txt': 'b\n' }, { 'a.txt': 'A\n' }, { 'b.txt': 'B\n' });
    const check = await checkMerge(r.git, 'main', 'feature');
    expect(check).toEqual({ clean: true, tree: expect.stringMatching(/^[0-9a-f]{40}$/), conflicts: [], kinds: [] });
    await r.git(['merge', '--quiet', '--no-edit', 'feature']);
    expect((await r.git(['rev-parse', 'HEAD^{tree}'])).stdout.trim()).toBe(check.tree);
  });

  it('calls a fast-forward clean, with the head’s tree as the result', async () => {
    const { r } = await forked({ 'a.txt': 'a\n' }, {}, { 'a.txt': 'b\n', 'c.txt': 'c\n' });
    const check = await checkMerge(r.git, 'main', 'feature');
    expect(check.clean).toBe(true);
    expect(check.tree).toBe((await r.git(['rev-parse', 'feature^{tree}'])).stdout.trim());
    expect((await checkMerge(r.git, 'main', 'main')).clean).toBe(true);
  });

  it('finds a conflict without touching HEAD, the index or the work tree', async () => {
    const { r } = await forked({ 'price.ts': 'vat = 0.20\n' }, { 'price.ts': 'vat = 0.21\n' }, { 'price.ts': 'vat = 0.19\n' });
    const before = await snapshot(r.git);
    const check = await checkMerge(r.git, 'main', 'feature');
    expect(check.clean).toBe(false);
    expect(check.conflicts).toEqual(['price.ts']);
    expect(check.kinds).toEqual([{ kind: 'CONFLICT (contents)', paths: ['price.ts'] }]);
    expect(await snapshot(r.git)).toEqual(before);
    // The merged tree holds the file with conflict markers, as `git merge` would write it.
    const merged = (await r.git(['cat-file', 'blob', `${check.tree}:price.ts`])).stdout;
    expect(merged).toMatch(/^<<<<<<< [0-9a-f]{40}\nvat = 0\.21\n=======\nvat = 0\.19\n>>>>>>> [0-9a-f]{40}\n$/);
  });

  it('lists names with spaces, newlines and UTF-8 exactly, each once', async () => {
    const names = ['a b.txt', 'new\nline.txt', 'café.txt', '"quoted".txt'];
    const file = (v: string) => Object.fromEntries(names.map((n) => [n, `${v}\n`]));
    const { r } = await forked(file('base'), file('main'), file('feature'));
    const check = await checkMerge(r.git, 'main', 'feature');
    expect(check.conflicts.sort()).toEqual([...names].sort());
  });

  it('reports a modify/delete conflict, which has no conflict markers', async () => {
    const { r } = await forked({ 'gone.txt': 'v1\n', 'keep.txt': 'k\n' }, { 'gone.txt': null }, { 'gone.txt': 'v2\n' });
    const check = await checkMerge(r.git, 'main', 'feature');
    expect(check.clean).toBe(false);
    expect(check.conflicts).toEqual(['gone.txt']);
    expect(check.kinds.map((k) => k.kind)).toEqual(['CONFLICT (modify/delete)']);
  });

  it('works in a SHA-256 repository', async () => {
    const { r } = await forked({ 'f.txt': '1\n' }, { 'f.txt': '2\n' }, { 'f.txt': '3\n' }, { objectFormat: 'sha256' });
    const check = await checkMerge(r.git, 'main', 'feature');
    expect(check.tree).toMatch(/^[0-9a-f]{64}$/);
    expect(check.conflicts).toEqual(['f.txt']);
  });

  it.each(['-h', '--output=/tmp/pwned', '--stdin'])('refuses the ref %j before merge-tree runs', async (ref) => {
    const { r } = await forked({ 'f.txt': '1\n' }, {}, { 'f.txt': '2\n' });
    const { run, calls } = spy(r.git);
    await expect(checkMerge(run, 'main', ref)).rejects.toThrow(/^not a revision/);
    await expect(checkMerge(run, ref, 'main')).rejects.toThrow(/^not a revision/);
    expect(calls.filter((c) => c[0] === 'merge-tree')).toEqual([]);
  });

  it('reports an unknown ref as an error, never as a conflict', async () => {
    // merge-tree itself exits 1 ("not something we can merge"), the conflict code.
    const { r } = await forked({ 'f.txt': '1\n' }, {}, { 'f.txt': '2\n' });
    await expect(checkMerge(r.git, 'main', 'nosuch')).rejects.toThrow('no commit named "nosuch"');
  });

  it('refuses branches with no common history', async () => {
    const { r } = await forked({ 'f.txt': '1\n' }, {}, {});
    await r.git(['switch', '--quiet', '--orphan', 'lone']);
    await commitFiles(r, { 'other.txt': 'x\n' }, 'lone');
    await expect(checkMerge(r.git, 'main', 'lone')).rejects.toThrow(/unrelated histories/);
    await expect(changedFiles(r.git, 'main', 'lone')).rejects.toThrow('the branches share no history');
  });

  it('fails as GitError outside a repository', async () => {
    const r = await repo({ init: false });
    await expect(checkMerge(r.git, 'main', 'feature')).rejects.toMatchObject({ name: 'GitError', code: 128 });
  });

  it('refuses to run on a git older than 2.38, naming the versions', async () => {
    const { r } = await forked({ 'f.txt': '1\n' }, {}, { 'f.txt': '2\n' });
    const old: Git = (args, opts) =>
      args[0] === '--version' ? Promise.resolve({ stdout: 'git version 2.37.4\n', stderr: '', code: 0 }) : r.git(args, opts);
    const { run, calls } = spy(old);
    await expect(checkMerge(run, 'main', 'feature')).rejects.toThrow(
      'git merge-tree --write-tree needs Git 2.38 or later; this machine has 2.37.4',
    );
    expect(calls).toEqual([['--version']]);
  });
});

describe('parseMergeTree', () => {
  const tree = 'f'.repeat(40);

  it('refuses output without a tree id, whatever the exit code', () => {
    expect(() => parseMergeTree('', 1)).toThrow(GitError);
    expect(() => parseMergeTree('merge-tree: x - not something we can merge\n', 1)).toThrow(/no tree id/);
    expect(() => parseMergeTree(`${tree}\n`, 0)).toThrow(/no tree id/); // output without -z
  });

  it('trusts the exit code, not the path list: a conflict may list no path', () => {
    expect(parseMergeTree(`${tree}\0\0`, 1)).toEqual({ clean: false, tree, conflicts: [], kinds: [] });
    expect(parseMergeTree(`${tree}\0`, 0)).toEqual({ clean: true, tree, conflicts: [], kinds: [] });
  });

  it('keeps conflict kinds with all their paths and drops informational messages', () => {
    const out = `${tree}\0a\0b\0\0` +
      '1\0a\0Auto-merging\0Auto-merging a\n\0' +
      '2\0a\0b\0CONFLICT (rename/rename)\0a renamed to b in x and to c in y\n\0';
    expect(parseMergeTree(out, 1).kinds).toEqual([{ kind: 'CONFLICT (rename/rename)', paths: ['a', 'b'] }]);
  });

  it.each([
    ['a count that is not a number', `${tree}\0a\0\0x\0a\0CONFLICT (contents)\0m\0`],
    ['a count past the end', `${tree}\0a\0\0` + '9\0a\0CONFLICT (contents)\0m\0'],
    ['a negative count', `${tree}\0a\0\0` + '-1\0a\0CONFLICT (contents)\0m\0'],
  ])('refuses messages with %s', (_, out) => {
    expect(() => parseMergeTree(out, 1)).toThrow('malformed merge-tree messages');
  });
});

describe('changedFiles', () => {
  it('shows what the head branch changed since the merge base, not what base did since', async () => {
    const { r, baseId } = await forked(
      { 'a.txt': 'a\n', 'b.txt': 'b\n' },
      { 'main-only.txt': 'm\n', 'a.txt': 'main edit\n' },
      { 'b.txt': 'B\n', 'feature-only.txt': 'f\n' },
    );
    const { mergeBase, changes } = await changedFiles(r.git, 'main', 'feature');
    expect(mergeBase).toBe(baseId);
    expect(changes).toEqual([
      { status: 'M', path: 'b.txt' },
      { status: 'A', path: 'feature-only.txt' },
    ]);
    // The same list as the three-dot diff.
    const threeDot = (await r.git(['diff', '--name-only', 'main...feature'])).stdout;
    expect(threeDot).toBe('b.txt\nfeature-only.txt\n');
    // A two-dot diff would also show main's own work, reversed.
    const twoDot = (await r.git(['diff', '--name-only', 'main', 'feature'])).stdout;
    expect(twoDot).toContain('main-only.txt');
  });

  it('reports renames with both paths, deletions, and odd names intact', async () => {
    const body = 'line\n'.repeat(20);
    const { r } = await forked(
      { 'old name.md': body, 'drop.txt': 'x\n' },
      {},
      { 'old name.md': null, 'new\nname.md': body, 'drop.txt': null },
    );
    const { changes } = await changedFiles(r.git, 'main', 'feature');
    expect(changes).toEqual([
      { status: 'D', path: 'drop.txt' },
      { status: 'R100', from: 'old name.md', path: 'new\nname.md' },
    ]);
  });

  it('fails clearly on a file name that is not UTF-8 rather than listing a mangled one', async () => {
    const { r } = await forked({ 'a.txt': 'a\n' }, {}, {});
    await r.git(['switch', '--quiet', 'feature']);
    await writeFile(Buffer.concat([Buffer.from(`${r.dir}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin-1\n');
    await commitFiles(r, {}, 'latin-1 name');
    await expect(changedFiles(r.git, 'main', 'feature')).rejects.toThrow('git diff printed bytes that are not UTF-8');
  });

  it('returns nothing for a branch with no new commits', async () => {
    const { r } = await forked({ 'a.txt': 'a\n' }, { 'a.txt': 'b\n' }, {});
    expect((await changedFiles(r.git, 'main', 'feature')).changes).toEqual([]);
  });

  it('refuses option-like and unknown refs', async () => {
    const { r } = await forked({ 'a.txt': 'a\n' }, {}, { 'a.txt': 'b\n' });
    await expect(changedFiles(r.git, '--cached', 'feature')).rejects.toThrow(/^not a revision/);
    await expect(changedFiles(r.git, 'main', 'nosuch')).rejects.toThrow(/^no commit named/);
  });
});
