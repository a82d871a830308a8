/**
 * Git's object store is content-addressed: an object's id is the hash of
 * its type, size and bytes. A blob holds a file's bytes, a tree lists names
 * with the ids of blobs and subtrees, and a commit names one tree, its
 * parents, an author, a committer and a message.
 * @see https://git-scm.com/docs/gitformat-loose
 * @see https://git-scm.com/docs/git-hash-object
 */
import { createHash } from 'node:crypto';
import {
  commitFiles, GitError, resolveCommit, tempRepo, type Git,
} from './git-run.ts';

// #region blob-id
/** The id Git gives a file's bytes: hash("blob <size>\0" + bytes). */
export function blobId(
  content: string | Uint8Array, algo: 'sha1' | 'sha256' = 'sha1',
): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash(algo)
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}

/** The same id from git itself; `write` also stores the blob. */
export async function hashObject(
  git: Git, content: string | Uint8Array, { write = false } = {},
): Promise<string> {
  const args = ['hash-object', '--stdin', ...(write ? ['-w'] : [])];
  return (await git(args, { input: content })).stdout.trim();
}
// #endregion blob-id

export interface Commit {
  id: string;
  tree: string;
  parents: string[];
  author: string;
  committer: string;
  message: string;
}
export interface TreeEntry { mode: string; type: string; id: string; path: string }

// #region read-commit
/** A commit's headers and message, as `git cat-file -p` prints them. */
export async function readCommit(git: Git, rev: string): Promise<Commit> {
  const id = await resolveCommit(git, rev);
  const { stdout } = await git(['cat-file', '-p', id]);
  return { id, ...parseCommit(stdout) };
}

export function parseCommit(text: string): Omit<Commit, 'id'> {
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text : text.slice(0, end);
  const fields = new Map<string, string[]>();
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continues a multi-line gpgsig
    const space = line.indexOf(' ');
    if (space < 1) throw new GitError(`bad commit header: ${line}`, null);
    const key = line.slice(0, space);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(space + 1)]);
  }
  const one = (key: string) => {
    const v = fields.get(key);
    if (v?.length !== 1) throw new GitError(`commit needs one ${key}`, null);
    return v[0]!;
  };
  return {
    tree: one('tree'),
    parents: fields.get('parent') ?? [], // none for a root commit
    author: one('author'),
    committer: one('committer'),
    message: end === -1 ? '' : text.slice(end + 2),
  };
}

/** A tree's entries; -z keeps names with spaces or newlines intact. */
export async function readTree(git: Git, tree: string): Promise<TreeEntry[]> {
  const { stdout } = await git(['ls-tree', '-z', '--end-of-options', tree]);
  return stdout.split('\0').filter(Boolean).map((record) => {
    const tab = record.indexOf('\t');
    const [mode = '', type = '', id = ''] = record.slice(0, tab).split(' ');
    return { mode, type, id, path: record.slice(tab + 1) };
  });
}
// #endregion read-commit

if (import.meta.main) {
  const repo = await tempRepo();
  try {
    const { git } = repo;
    const hello = await hashObject(git, 'hello\n');
    console.log(`git hash-object "hello\\n": ${hello}`);
    console.log(`sha1 of "blob 6\\0hello\\n": ${blobId('hello\n')}`);
    console.log(`git hash-object "":        ${await hashObject(git, '')}`);
    const short = (id: string) => id.slice(0, 7);
    const show = async (rev: string) => {
      const c = await readCommit(git, rev);
      const parents = c.parents.map(short).join(' ') || '(none: root)';
      console.log(`commit ${short(c.id)} tree ${short(c.tree)} ` +
        `parent ${parents}`);
      for (const e of await readTree(git, c.tree)) {
        console.log(`  ${e.type} ${short(e.id)}  ${e.path}`);
      }
    };
    await commitFiles(repo, { 'README.md': 'hello\n', 'copy.md': 'hello\n' },
      'first');
    await show('HEAD');
    await commitFiles(repo, { 'README.md': 'hello, git\n' }, 'second');
    await show('HEAD');
  } finally {
    await repo.dispose();
  }
}
