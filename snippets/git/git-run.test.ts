import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTHOR, commitFiles, gitAt, GitError, isolatedEnv, parseGitVersion,
  requireGit, resolveCommit, tempRepo, type Git,
} from './git-run.ts';
import { useRepos, spyGit } from './use-repos.ts';

const repo = useRepos();

const spy = spyGit;

describe('isolated git', () => {
  it('ignores the caller’s environment: identity, GIT_DIR, config', async () => {
    const saved = { ...process.env };
    try {
      process.env.GIT_DIR = '/nonexistent/.git';
      process.env.GIT_AUTHOR_NAME = 'Someone Else';
      process.env.GIT_CONFIG_PARAMETERS = "'commit.gpgsign=true'";
      const r = await repo();
      await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
      const { stdout } = await r.git(['log', '-1', '--format=%an <%ae> %aI']);
      expect(stdout.trim()).toBe(`${AUTHOR.name} <${AUTHOR.email}> 2026-01-01T00:00:00+00:00`);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('gives the same commit id for the same work in two repositories', async () => {
    const [a, b] = [await repo(), await repo()];
    const ida = await commitFiles(a, { 'x.txt': 'same\n' }, 'msg');
    const idb = await commitFiles(b, { 'x.txt': 'same\n' }, 'msg');
    expect(ida).toMatch(/^[0-9a-f]{40}$/);
    expect(idb).toBe(ida);
  });

  it('never finds a repository above its own folder', async () => {
    const r = await repo({ init: false });
    const root = dirname(r.dir);
    await gitAt(root, isolatedEnv(join(root, 'home'), dirname(root)))(['init', '--quiet']);
    await expect(r.git(['rev-parse', '--git-dir'])).rejects.toMatchObject({
      name: 'GitError', code: 128, message: expect.stringContaining('not a git repository'),
    });
  });

  it('reads no ~/.gitconfig, even one in its own HOME', async () => {
    const r = await repo();
    await writeFile(join(dirname(r.dir), 'home', '.gitconfig'), '[user]\n\tname = Mallory\n[commit]\n\tgpgsign = true\n');
    await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    expect((await r.git(['log', '-1', '--format=%an'])).stdout.trim()).toBe(AUTHOR.name);
  });

  it('keeps HOME inside the temporary folder and removes it all on dispose', async () => {
    const r = await tempRepo();
    const root = dirname(r.dir);
    expect(root.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(root, 'home'))).toBe(true);
    await r.dispose();
    expect(existsSync(root)).toBe(false);
  });

  it('removes its folder when creating the repository fails', async () => {
    const saved = process.env.TMPDIR;
    const scratch = await mkdtemp(join(tmpdir(), 'handbook-scratch-'));
    try {
      process.env.TMPDIR = scratch; // os.tmpdir() reads it on each call
      const bad = tempRepo({ objectFormat: 'md5' as 'sha1' });
      await expect(bad).rejects.toMatchObject({ name: 'GitError', code: 128, message: expect.stringContaining("unknown hash algorithm 'md5'") });
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('reports a failing command with its exit code and first stderr line', async () => {
    const r = await repo();
    const err = await r.git(['cat-file', '-t', 'nosuch']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).code).toBe(128);
    expect((err as GitError).message).toMatch(/^git cat-file exited with 128: fatal: /);
  });

  it('treats listed exit codes as answers', async () => {
    const r = await repo();
    const res = await r.git(['rev-parse', '--verify', '--quiet', 'nosuch'], { okCodes: [0, 1] });
    expect(res.code).toBe(1);
  });

  it('fails clearly when git cannot be started', async () => {
    const root = await mkdtemp(join(tmpdir(), 'handbook-git-'));
    try {
      const git = gitAt(root, { ...isolatedEnv(root, root), PATH: join(root, 'no-bin') });
      await expect(git(['--version'])).rejects.toMatchObject({
        name: 'GitError', code: null, message: expect.stringMatching(/^git --version did not finish: .*ENOENT/),
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('stops reading output past its bound', async () => {
    const r = await repo();
    const id = (await r.git(['hash-object', '-w', '--stdin'], { input: Buffer.alloc(17 * 1024 * 1024, 97) })).stdout.trim();
    await expect(r.git(['cat-file', 'blob', id])).rejects.toMatchObject({
      name: 'GitError', code: null, message: expect.stringContaining('maxBuffer'),
    });
  });

  it('stops a git that runs past its time limit', { timeout: 5000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'handbook-git-'));
    try {
      const bin = join(root, 'bin');
      await mkdir(bin);
      await writeFile(join(bin, 'git'), '#!/bin/sh\nexec sleep 10\n');
      await chmod(join(bin, 'git'), 0o755);
      const env = { ...isolatedEnv(root, root), PATH: `${bin}:${process.env.PATH}` };
      const started = Date.now();
      await expect(gitAt(root, env, { timeoutMs: 200 })(['status'])).rejects.toMatchObject({
        name: 'GitError', code: null, message: 'git status did not finish: timed out after 200 ms',
      });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses output that is not UTF-8 instead of mangling it', async () => {
    const r = await repo();
    // Two names that differ only in a byte that is not UTF-8 (Latin-1 "é", and 0xff).
    for (const byte of [0xe9, 0xff]) {
      await writeFile(Buffer.concat([Buffer.from(`${r.dir}/caf`), Buffer.from([byte]), Buffer.from('.txt')]), 'x\n');
    }
    await commitFiles(r, { 'plain.txt': 'p\n' }, 'names');
    await expect(r.git(['ls-tree', '-z', '--name-only', 'HEAD'])).rejects.toMatchObject({
      name: 'GitError', code: null, message: 'git ls-tree printed bytes that are not UTF-8',
    });
    expect((await r.git(['ls-tree', '--name-only', 'HEAD'])).stdout).toBe('"caf\\351.txt"\n"caf\\377.txt"\nplain.txt\n');

    // Valid UTF-8 comes back byte for byte, a leading byte order mark included.
    const id = (await r.git(['hash-object', '-w', '--stdin'], { input: '\uFEFFbom\n' })).stdout.trim();
    expect((await r.git(['cat-file', 'blob', id])).stdout).toBe('\uFEFFbom\n');
  });

  it('does not isolate git from the repository’s own config: never run it on an untrusted .git', async () => {
    // Git's SECURITY notes: config and hooks inside .git run commands; a clone copies neither.
    const r = await repo();
    const marker = join(dirname(r.dir), 'ran');
    await r.git(['config', 'core.fsmonitor', `touch '${marker}'; false`]);
    await r.git(['status', '--porcelain']);
    expect(existsSync(marker)).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a repository owned by another user; no config can allow it (runs as root)', async () => {
    const r = await repo();
    const home = join(dirname(r.dir), 'home');
    await writeFile(join(home, '.gitconfig'), '[safe]\n\tdirectory = *\n');
    await r.git(['config', 'safe.directory', '*']); // ignored in a repository's own config
    await chown(r.dir, 65534, 65534);
    await chown(join(r.dir, '.git'), 65534, 65534);
    await expect(r.git(['rev-parse', '--git-dir'])).rejects.toMatchObject({
      name: 'GitError', code: 128, message: expect.stringContaining('dubious ownership'),
    });
  });
});

describe('commitFiles', () => {
  it.each(['../escape.txt', '/etc/passwd', '.git/config', 'a/../../b'])('refuses the path %j', async (path) => {
    const r = await repo();
    await expect(commitFiles(r, { [path]: 'x' }, 'bad')).rejects.toThrow(RangeError);
  });

  it('writes, deletes and commits', async () => {
    const r = await repo();
    await commitFiles(r, { 'd/a.txt': 'a\n', 'b.txt': 'b\n' }, 'one');
    await commitFiles(r, { 'b.txt': null }, 'two');
    const { stdout } = await r.git(['ls-tree', '-r', '--name-only', 'HEAD']);
    expect(stdout).toBe('d/a.txt\n');
  });
});

describe('resolveCommit', () => {
  it.each(['-h', '--output=/tmp/pwned', '', 'main\nHEAD', 'a\0b'])('rejects %j before git sees it', async (rev) => {
    const r = await repo();
    await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    const { run, calls } = spy(r.git);
    await expect(resolveCommit(run, rev)).rejects.toThrow(/^not a revision: /);
    expect(calls).toEqual([]);
  });

  it('resolves branches and ancestry to a full commit id', async () => {
    const r = await repo();
    const one = await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    const two = await commitFiles(r, { 'a.txt': 'b\n' }, 'two');
    expect(await resolveCommit(r.git, 'main')).toBe(two);
    expect(await resolveCommit(r.git, 'main~1')).toBe(one);
    expect(await resolveCommit(r.git, one.slice(0, 7))).toBe(one);
  });

  it.each(['^main', 'HEAD^!', 'HEAD^@'])('refuses %j, which rev-parse answers with something other than one id', async (rev) => {
    const r = await repo();
    await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    await expect(resolveCommit(r.git, rev)).rejects.toThrow(`no commit named ${JSON.stringify(rev)}`);
  });

  it('says "no commit" for unknown names and for ids of non-commits', async () => {
    const r = await repo();
    await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    const tree = (await r.git(['rev-parse', 'HEAD^{tree}'])).stdout.trim();
    await expect(resolveCommit(r.git, 'nosuch')).rejects.toThrow('no commit named "nosuch"');
    await expect(resolveCommit(r.git, tree)).rejects.toThrow(/^no commit named/);
  });

  it('fails as GitError outside a repository', async () => {
    const r = await repo({ init: false });
    await expect(resolveCommit(r.git, 'HEAD')).rejects.toMatchObject({ name: 'GitError', code: 128 });
  });
});

describe('git version', () => {
  it.each([
    ['git version 2.39.5', [2, 39, 5]],
    ['git version 2.45.1.windows.1\n', [2, 45, 1]],
    ['git version 2.39.3 (Apple Git-146)', [2, 39, 3]],
    ['git version 3.0', [3, 0, 0]],
  ])('reads %j', (text, expected) => {
    expect(parseGitVersion(text)).toEqual(expected);
  });

  it('refuses text that is not a version', () => {
    expect(() => parseGitVersion('hub version 2.14.2')).toThrow(GitError);
  });

  const answering = (version: string): Git => async () => ({ stdout: `git version ${version}\n`, stderr: '', code: 0 });

  it.each(['2.37.1', '1.9.5'])('names the feature, the minimum and the version found (%s)', async (v) => {
    await expect(requireGit(answering(v), [2, 38], 'git merge-tree --write-tree')).rejects.toThrow(
      `git merge-tree --write-tree needs Git 2.38 or later; this machine has ${v}`,
    );
  });

  it.each(['2.38.0', '2.39.5', '3.0.0'])('accepts %s', async (v) => {
    await expect(requireGit(answering(v), [2, 38], 'x')).resolves.toBeUndefined();
  });

  it('accepts the git on this machine for merge-tree --write-tree', async () => {
    const r = await repo({ init: false });
    await expect(requireGit(r.git, [2, 38], 'merge-tree')).resolves.toBeUndefined();
  });
});
