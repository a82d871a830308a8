/**
 * Runs the real `git` from Node, safely: an argument array through
 * `execFile` (never a shell string), bounded output and time, and an
 * environment that ignores the caller's config, so results are the same on
 * every machine. `tempRepo()` gives each test or demo its own repository.
 * @see https://git-scm.com/docs/git#_environment_variables
 * @see https://git-scm.com/docs/gitcli
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

export interface GitResult { stdout: string; stderr: string; code: number }
export interface RunOptions {
  /** Bytes for git's standard input. */
  input?: string | Uint8Array;
  /** Exit codes that are answers, not failures (default: only 0). */
  okCodes?: readonly number[];
}
/** git bound to one folder and one environment. */
export type Git = (args: readonly string[], opts?: RunOptions) => Promise<GitResult>;

/** git ran and failed, or could not run at all. */
export class GitError extends Error {
  override name = 'GitError';
  code: number | null;
  constructor(message: string, code: number | null) {
    super(message);
    this.code = code;
  }
}

const MAX_OUTPUT = 16 * 1024 * 1024; // bytes of stdout or stderr
const TIMEOUT_MS = 30_000;

// #region isolated-env
/** Fixed identity and clock: the same commands give the same ids. */
export const AUTHOR = { name: 'Ada Example', email: 'ada@example.com' };
export const FIXED_DATE = '2026-01-01T00:00:00+00:00';

/**
 * The whole environment git sees; nothing comes from the caller's.
 * Not isolated: the repository's own .git/config and hooks, which can run
 * commands. Use it on repositories you made or cloned, never on a .git
 * from an untrusted source (an unpacked archive): clone that first.
 */
export function isolatedEnv(home: string, ceiling: string) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home, // no ~/.gitconfig, no ~/.config/git/*
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1', // no /etc/gitconfig
    GIT_CONFIG_GLOBAL: devNull, // no global config (Git 2.32+)
    GIT_CEILING_DIRECTORIES: ceiling, // never find a repo above
    GIT_TERMINAL_PROMPT: '0', // never wait for a password
    LC_ALL: 'C', // messages in English, whatever the machine
    GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email,
    GIT_AUTHOR_DATE: FIXED_DATE, GIT_COMMITTER_DATE: FIXED_DATE,
  };
}
// #endregion isolated-env

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A runner for `cwd`: arguments go to git as an array, never a shell.
 * Output that is not UTF-8 (a Latin-1 file name) is refused, not mangled
 * into U+FFFD, which would make two different names look the same.
 */
export function gitAt(
  cwd: string, env: Record<string, string>,
  { timeoutMs = TIMEOUT_MS }: { timeoutMs?: number } = {},
): Git {
  return (args, opts = {}) => new Promise((resolve, reject) => {
    const child = execFile('git', [...args], {
      cwd, env, encoding: 'buffer', maxBuffer: MAX_OUTPUT,
      timeout: timeoutMs, windowsHide: true,
    }, (err, out, errOut) => {
      const what = `git ${args[0] ?? ''}`.trim();
      if (err && typeof err.code !== 'number') {
        // ENOENT (no git), output over maxBuffer, or killed by the timeout.
        const why = err.killed ? `timed out after ${timeoutMs} ms` : err.message;
        return reject(new GitError(`${what} did not finish: ${why}`, null));
      }
      const code = err ? Number(err.code) : 0;
      const stderr = errOut.toString('utf8');
      if (!(opts.okCodes ?? [0]).includes(code)) {
        const detail = stderr.trim().split('\n')[0]?.slice(0, 300) || 'no message';
        return reject(new GitError(`${what} exited with ${code}: ${detail}`, code));
      }
      let stdout: string;
      try {
        stdout = utf8.decode(out);
      } catch {
        return reject(new GitError(`${what} printed bytes that are not UTF-8`, null));
      }
      resolve({ stdout, stderr, code });
    });
    child.stdin?.on('error', () => {}); // git may exit before reading it all
    child.stdin?.end(opts.input ?? '');
  });
}

/** A repository of its own in a temporary folder; call dispose() after. */
export interface TempRepo { dir: string; git: Git; dispose(): Promise<void> }

export async function tempRepo(
  { init = true, objectFormat = 'sha1' }:
  { init?: boolean; objectFormat?: 'sha1' | 'sha256' } = {},
): Promise<TempRepo> {
  const root = await mkdtemp(join(tmpdir(), 'handbook-git-'));
  const dir = join(root, 'repo');
  const home = join(root, 'home');
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    await mkdir(dir);
    await mkdir(home);
    const git = gitAt(dir, isolatedEnv(home, root));
    if (init) {
      await git(['init', '--quiet', '--initial-branch=main',
        `--object-format=${objectFormat}`]);
    }
    return { dir, git, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** Writes (or, for null, deletes) files, then commits them all. */
export async function commitFiles(
  repo: Pick<TempRepo, 'dir' | 'git'>,
  files: Record<string, string | null>,
  message: string,
): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const clean = normalize(path);
    const parts = clean.split(sep);
    if (isAbsolute(path) || parts.includes('..') || parts[0] === '.git') {
      throw new RangeError(`path must stay inside the work tree: ${path}`);
    }
    const full = join(repo.dir, clean);
    if (content === null) {
      await rm(full, { force: true });
    } else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  await repo.git(['add', '--all']);
  await repo.git(['commit', '--quiet', '--allow-empty', '-m', message]);
  return (await repo.git(['rev-parse', 'HEAD'])).stdout.trim();
}

// #region resolve-commit
/** A revision (branch, tag, id, `main~2`) as a full commit id. */
export async function resolveCommit(git: Git, rev: string): Promise<string> {
  if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev)) {
    // An argument starting with "-" would be read as an option.
    throw new RangeError(`not a revision: ${JSON.stringify(rev)}`);
  }
  const r = await git(['rev-parse', '--verify', '--quiet',
    '--end-of-options', `${rev}^{commit}`], { okCodes: [0, 1] });
  const id = r.stdout.trim();
  // "^main" resolves too, to "^<id>" ("not main"): accept only an id.
  if (r.code !== 0 || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(id)) {
    throw new RangeError(`no commit named ${JSON.stringify(rev)}`);
  }
  return id;
}
// #endregion resolve-commit

/** "git version 2.39.5" (or "2.45.1.windows.1", "2.39.3 (Apple Git-146)"). */
export function parseGitVersion(text: string): [number, number, number] {
  const m = /^git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) throw new GitError(`cannot read a version from ${JSON.stringify(text.slice(0, 80))}`, null);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

// #region require-git
/** Fails with a clear message when git is older than a feature needs. */
export async function requireGit(
  git: Git, [major, minor]: [number, number], feature: string,
): Promise<void> {
  const { stdout } = await git(['--version']);
  const [hasMajor, hasMinor, patch] = parseGitVersion(stdout);
  if (hasMajor < major || (hasMajor === major && hasMinor < minor)) {
    throw new GitError(`${feature} needs Git ${major}.${minor} or later; ` +
      `this machine has ${hasMajor}.${hasMinor}.${patch}`, null);
  }
}
// #endregion require-git
