/**
 * What a pull request page computes before anyone clicks "Merge": the files
 * the head branch changed since it left the base (a three-dot diff), and
 * whether the two merge cleanly. `git merge-tree --write-tree` (Git 2.38+)
 * merges in the object store only: no work tree, no index, no checkout.
 * @see https://git-scm.com/docs/git-merge-tree
 * @see https://git-scm.com/docs/git-diff (the A...B form)
 */
import {
  commitFiles, GitError, requireGit, resolveCommit, tempRepo, type Git,
} from './git-run.ts';

export interface MergeCheck {
  clean: boolean;
  /** The merged tree; on conflict its files hold conflict markers. */
  tree: string;
  /** Paths with conflicts, each once. */
  conflicts: string[];
  /** Conflict kinds, e.g. "CONFLICT (content)", with the paths involved. */
  kinds: { kind: string; paths: string[] }[];
}

// #region merge-check
/** Would merging `head` into `base` conflict? Nothing is checked out. */
export async function checkMerge(
  git: Git, base: string, head: string,
): Promise<MergeCheck> {
  await requireGit(git, [2, 38], 'git merge-tree --write-tree');
  // Resolve first: merge-tree exits 1 for an unknown ref, as for a conflict.
  const ours = await resolveCommit(git, base);
  const theirs = await resolveCommit(git, head);
  const r = await git(['merge-tree', '--write-tree', '-z', '--name-only',
    '--messages', ours, theirs], { okCodes: [0, 1] }); // 1: conflicts
  return parseMergeTree(r.stdout, r.code);
}

/** -z output: tree NUL, conflicted paths NUL-terminated, then messages. */
export function parseMergeTree(out: string, code: number): MergeCheck {
  const fields = out.split('\0');
  const tree = fields[0] ?? '';
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(tree)) {
    throw new GitError(`merge-tree printed no tree id (exit ${code})`, code);
  }
  let i = 1;
  const conflicts: string[] = [];
  while (i < fields.length && fields[i] !== '') conflicts.push(fields[i++]!);
  i++; // the empty field that opens the messages section
  const kinds: MergeCheck['kinds'] = [];
  while (i < fields.length && fields[i] !== '') {
    const count = Number(fields[i++]);
    const end = i + count + 2; // paths, the kind, then a free-form message
    if (!Number.isInteger(count) || count < 0 || end > fields.length) {
      throw new GitError('malformed merge-tree messages', code);
    }
    const paths = fields.slice(i, i + count);
    const kind = fields[i + count]!;
    i = end;
    if (kind.startsWith('CONFLICT')) kinds.push({ kind, paths });
  }
  // Only the exit code decides: some conflicts list no path at all.
  return { clean: code === 0, tree, conflicts, kinds };
}
// #endregion merge-check

// #region changed-files
export interface Change { status: string; path: string; from?: string }

/** What a PR shows: changes on `head` since it forked from `base`. */
export async function changedFiles(
  git: Git, base: string, head: string,
): Promise<{ mergeBase: string; changes: Change[] }> {
  const ours = await resolveCommit(git, base);
  const theirs = await resolveCommit(git, head);
  const mb = await git(['merge-base', ours, theirs], { okCodes: [0, 1] });
  if (mb.code === 1) throw new RangeError('the branches share no history');
  const mergeBase = mb.stdout.trim();
  // The same as `git diff base...head`: merge base against head.
  const d = await git(['diff', '--name-status', '-z', '--find-renames',
    mergeBase, theirs]);
  const fields = d.stdout.split('\0');
  const changes: Change[] = [];
  for (let i = 0; i + 1 < fields.length;) {
    const status = fields[i++]!;
    if (/^[RC]/.test(status)) { // renamed or copied: old path, new path
      changes.push({ status, from: fields[i]!, path: fields[i + 1]! });
      i += 2;
    } else {
      changes.push({ status, path: fields[i++]! });
    }
  }
  return { mergeBase, changes };
}
// #endregion changed-files

if (import.meta.main) {
  const repo = await tempRepo();
  try {
    const { git } = repo;
    const run = (args: string[]) => git(args);
    await commitFiles(repo, { 'price.ts': 'export const vat = 0.20;\n',
      'README.md': '# Shop\n' }, 'base');
    await run(['branch', 'feature']);
    await run(['branch', 'docs']);
    await commitFiles(repo, { 'price.ts': 'export const vat = 0.21;\n' },
      'main: VAT 21%');
    await run(['switch', '--quiet', 'feature']);
    await commitFiles(repo, { 'price.ts': 'export const vat = 0.19;\n',
      'notes/rate change.md': 'why\n' }, 'feature: VAT 19%');
    await run(['switch', '--quiet', 'docs']);
    await commitFiles(repo, { 'README.md': null, 'README.txt': '# Shop\n' },
      'docs: rename');
    for (const head of ['feature', 'docs']) {
      const { mergeBase, changes } = await changedFiles(git, 'main', head);
      const check = await checkMerge(git, 'main', head);
      console.log(`${head} into main (merge base ${mergeBase.slice(0, 7)}):`);
      for (const c of changes) {
        console.log(`  ${c.status} ${c.from ? `${c.from} -> ` : ''}${c.path}`);
      }
      if (check.clean) console.log(`  clean: merged tree ${check.tree.slice(0, 7)}`);
      for (const k of check.kinds) console.log(`  ${k.kind}: ${k.paths.join(', ')}`);
    }
    await checkMerge(git, 'main', '--output=/tmp/x').catch((e: Error) => {
      console.log(`head "--output=/tmp/x": ${e.name}: ${e.message}`);
    });
  } finally {
    await repo.dispose();
  }
}
