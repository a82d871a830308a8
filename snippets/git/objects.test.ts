import { describe, expect, it } from 'vitest';
import { commitFiles, GitError } from './git-run.ts';
import { useRepos } from './use-repos.ts';
import { blobId, hashObject, parseCommit, readCommit, readTree } from './objects.ts';

const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
const HELLO_BLOB = 'ce013625030ba8dba906f756967f9e9ca394464a'; // "hello\n"
const EMPTY_BLOB_SHA256 = '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813';

const repo = useRepos();

describe('content addressing', () => {
  it('gives the well-known ids of the empty blob and of "hello\\n"', async () => {
    const { git } = await repo();
    expect(await hashObject(git, '')).toBe(EMPTY_BLOB);
    expect(await hashObject(git, 'hello\n')).toBe(HELLO_BLOB);
    expect(blobId('')).toBe(EMPTY_BLOB);
    expect(blobId('hello\n')).toBe(HELLO_BLOB);
  });

  it('gives the same id for the same bytes in any repository, another id for other bytes', async () => {
    const [a, b] = [await repo(), await repo()];
    expect(await hashObject(a.git, 'x = 1\n')).toBe(await hashObject(b.git, 'x = 1\n'));
    expect(await hashObject(a.git, 'x = 1\n')).not.toBe(await hashObject(a.git, 'x = 2\n'));
    expect(await hashObject(a.git, 'x = 1\n')).not.toBe(await hashObject(a.git, 'x = 1'));
  });

  it('hashes type and size with the bytes, so it is not sha1 of the file', async () => {
    const { createHash } = await import('node:crypto');
    expect(blobId('hello\n')).not.toBe(createHash('sha1').update('hello\n').digest('hex'));
  });

  it('matches git by hand for binary bytes, NULs and multi-byte UTF-8', async () => {
    const { git } = await repo();
    const bytes = Uint8Array.from([0, 255, 10, 0, 13, 10, 128]);
    expect(blobId(bytes)).toBe(await hashObject(git, bytes));
    expect(blobId('café ☕\r\n')).toBe(await hashObject(git, 'café ☕\r\n'));
  });

  it('stores the blob only when asked to write', async () => {
    const { git } = await repo();
    const id = await hashObject(git, 'kept?\n');
    const exists = () => git(['cat-file', '-e', id], { okCodes: [0, 1, 128] });
    expect((await exists()).code).not.toBe(0);
    expect(await hashObject(git, 'kept?\n', { write: true })).toBe(id);
    expect((await exists()).code).toBe(0);
    expect((await git(['cat-file', 'blob', id])).stdout).toBe('kept?\n');
  });

  it('uses SHA-256 in a repository created with --object-format=sha256', async () => {
    const { git } = await repo({ objectFormat: 'sha256' });
    expect(await hashObject(git, '')).toBe(EMPTY_BLOB_SHA256);
    expect(await hashObject(git, 'hello\n')).toBe(blobId('hello\n', 'sha256'));
    expect(blobId('', 'sha256')).toBe(EMPTY_BLOB_SHA256);
  });
});

describe('commits and trees', () => {
  it('a root commit names a tree and no parent; the next names the first as parent', async () => {
    const r = await repo();
    const first = await commitFiles(r, { 'README.md': 'hello\n' }, 'first');
    const second = await commitFiles(r, { 'README.md': 'hello, git\n' }, 'second');
    const c1 = await readCommit(r.git, first);
    const c2 = await readCommit(r.git, 'HEAD');
    expect(c1.parents).toEqual([]);
    expect(c2.id).toBe(second);
    expect(c2.parents).toEqual([first]);
    expect(c2.tree).toBe((await r.git(['rev-parse', 'HEAD^{tree}'])).stdout.trim());
    expect(c2.tree).not.toBe(c1.tree);
    expect(c2.message).toBe('second\n');
    expect(c2.author).toBe('Ada Example <ada@example.com> 1767225600 +0000');
  });

  it('stores a content once, whatever the name, and reuses it across commits', async () => {
    const r = await repo();
    await commitFiles(r, { 'a.md': 'hello\n', 'docs/b.md': 'hello\n' }, 'first');
    const root = await readTree(r.git, (await readCommit(r.git, 'HEAD')).tree);
    expect(root).toEqual([
      { mode: '100644', type: 'blob', id: HELLO_BLOB, path: 'a.md' },
      { mode: '040000', type: 'tree', id: expect.stringMatching(/^[0-9a-f]{40}$/), path: 'docs' },
    ]);
    const docs = await readTree(r.git, root[1]!.id);
    expect(docs).toEqual([{ mode: '100644', type: 'blob', id: HELLO_BLOB, path: 'b.md' }]);
    await commitFiles(r, { 'a.md': 'changed\n' }, 'second');
    const next = await readTree(r.git, (await readCommit(r.git, 'HEAD')).tree);
    expect(next[0]!.id).toBe(blobId('changed\n'));
    expect(next[1]!.id).toBe(root[1]!.id); // an unchanged folder keeps its tree id
  });

  it('lists a merge commit with both parents, in order', async () => {
    const r = await repo();
    const base = await commitFiles(r, { 'a.txt': 'a\n' }, 'base');
    await r.git(['switch', '--quiet', '-c', 'side']);
    const side = await commitFiles(r, { 'b.txt': 'b\n' }, 'side');
    await r.git(['switch', '--quiet', 'main']);
    const main = await commitFiles(r, { 'c.txt': 'c\n' }, 'main');
    await r.git(['merge', '--quiet', '--no-edit', 'side']);
    const merge = await readCommit(r.git, 'HEAD');
    expect(merge.parents).toEqual([main, side]);
    expect(merge.parents).not.toContain(base);
  });

  it('reads names with spaces, tabs, newlines and UTF-8 intact', async () => {
    const r = await repo();
    const names = ['with space.txt', 'tab\there.txt', 'new\nline.txt', 'café.txt'];
    await commitFiles(r, Object.fromEntries(names.map((n) => [n, `${n}\n`])), 'odd names');
    const entries = await readTree(r.git, (await readCommit(r.git, 'HEAD')).tree);
    expect(entries.map((e) => e.path).sort()).toEqual([...names].sort());
    for (const e of entries) expect(e.id).toBe(blobId(`${e.path}\n`));
  });

  it('reads a tree name that starts with "-" as a name, never as an option', async () => {
    const r = await repo();
    await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    // Without --end-of-options, "-r" would be ls-tree's option and git would exit 129 (usage).
    await expect(readTree(r.git, '-r')).rejects.toMatchObject({
      name: 'GitError', code: 128, message: expect.stringContaining('Not a valid object name -r'),
    });
  });

  it('refuses options and unknown names, and fails outside a repository', async () => {
    const r = await repo();
    await commitFiles(r, { 'a.txt': 'a\n' }, 'one');
    await expect(readCommit(r.git, '--output=/tmp/x')).rejects.toThrow(RangeError);
    await expect(readCommit(r.git, 'nosuch')).rejects.toThrow(RangeError);
    const outside = await repo({ init: false });
    await expect(readCommit(outside.git, 'HEAD')).rejects.toThrow(GitError);
  });
});

describe('parseCommit', () => {
  const tree = 'a'.repeat(40);
  const who = 'A <a@example.com> 1 +0000';

  it('skips the continuation lines of a signature', () => {
    const text = `tree ${tree}\nparent ${'b'.repeat(40)}\nauthor ${who}\ncommitter ${who}\n` +
      'gpgsig -----BEGIN PGP SIGNATURE-----\n tree fake\n parent fake\n -----END PGP SIGNATURE-----\n\nmsg\n';
    const c = parseCommit(text);
    expect(c.tree).toBe(tree);
    expect(c.parents).toEqual(['b'.repeat(40)]);
    expect(c.message).toBe('msg\n');
  });

  it.each([
    ['no tree', `author ${who}\ncommitter ${who}\n\nmsg\n`],
    ['two trees', `tree ${tree}\ntree ${tree}\nauthor ${who}\ncommitter ${who}\n\nmsg\n`],
    ['no author', `tree ${tree}\ncommitter ${who}\n\nmsg\n`],
    ['a header without a value', `tree ${tree}\nauthor\ncommitter ${who}\n\nm\n`],
  ])('refuses a commit with %s', (_, text) => {
    expect(() => parseCommit(text)).toThrow(GitError);
  });
});
