/**
 * A branch is a ref: a name under refs/heads/ that holds one commit id and
 * moves when you commit on it. HEAD is normally a symbolic ref naming the
 * current branch; "detached" means it holds a commit id itself.
 * @see https://git-scm.com/docs/gitglossary#def_branch
 * @see https://git-scm.com/docs/git-symbolic-ref
 * @see https://git-scm.com/docs/git-check-ref-format
 */
import { commitFiles, resolveCommit, tempRepo, type Git } from './git-run.ts';

// #region branch-name
/** Rejects what `git branch` would, before git sees it as an argument. */
export async function checkBranchName(git: Git, name: string): Promise<void> {
  if (name.startsWith('-') || name === 'HEAD') {
    throw new RangeError(`not a usable branch name: ${JSON.stringify(name)}`);
  }
  // No "..", "~", "^", ":", spaces, control characters, "@{", ".lock"...
  const r = await git(['check-ref-format', `refs/heads/${name}`],
    { okCodes: [0, 1] });
  if (r.code !== 0) {
    throw new RangeError(`invalid branch name: ${JSON.stringify(name)}`);
  }
}

/** A new branch is one new ref pointing at an existing commit. */
export async function createBranch(
  git: Git, name: string, startPoint = 'HEAD',
): Promise<string> {
  await checkBranchName(git, name);
  const commit = await resolveCommit(git, startPoint);
  await git(['branch', '--end-of-options', name, commit]);
  return commit;
}
// #endregion branch-name

// #region head
export type Head =
  | { kind: 'branch'; ref: string; commit: string | null } // null: unborn
  | { kind: 'detached'; commit: string };

/** Where HEAD points: a branch (symbolic ref) or a commit (detached). */
export async function readHead(git: Git): Promise<Head> {
  const sym = await git(['symbolic-ref', '--quiet', 'HEAD'],
    { okCodes: [0, 1] }); // 1: HEAD is not symbolic, so it is detached
  const at = await git(['rev-parse', '--verify', '--quiet', 'HEAD'],
    { okCodes: [0, 1] }); // 1: the branch has no commit yet
  const commit = at.code === 0 ? at.stdout.trim() : null;
  if (sym.code === 0) return { kind: 'branch', ref: sym.stdout.trim(), commit };
  if (commit === null) throw new Error('HEAD names neither branch nor commit');
  return { kind: 'detached', commit };
}

/** The commit a branch points at, or null if there is no such branch. */
export async function branchTip(git: Git, name: string) {
  await checkBranchName(git, name);
  const r = await git(['rev-parse', '--verify', '--quiet',
    '--end-of-options', `refs/heads/${name}`], { okCodes: [0, 1] });
  return r.code === 0 ? r.stdout.trim() : null;
}

export async function switchBranch(git: Git, name: string): Promise<void> {
  await checkBranchName(git, name);
  await git(['switch', '--quiet', '--end-of-options', name]);
}

/** Checks out a commit itself: HEAD holds its id, no branch moves. */
export async function detachAt(git: Git, rev: string): Promise<void> {
  const commit = await resolveCommit(git, rev);
  await git(['switch', '--quiet', '--detach', commit]);
}
// #endregion head

if (import.meta.main) {
  const repo = await tempRepo();
  try {
    const { git } = repo;
    const short = (id: string | null) => id?.slice(0, 7) ?? '-';
    const state = async (step: string) => {
      const head = await readHead(git);
      const where = head.kind === 'branch'
        ? head.ref : `${short(head.commit)} (detached)`;
      const main = short(await branchTip(git, 'main'));
      const feature = short(await branchTip(git, 'feature'));
      console.log(`${step.padEnd(28)}${where.padEnd(20)}` +
        `${main.padEnd(9)}${feature}`);
    };
    console.log(`${'step'.padEnd(28)}${'HEAD'.padEnd(20)}main     feature`);
    await state('git init');
    const a = await commitFiles(repo, { 'app.txt': 'v1\n' }, 'A');
    await state('commit A');
    await createBranch(git, 'feature');
    await state('git branch feature');
    await switchBranch(git, 'feature');
    await state('git switch feature');
    await commitFiles(repo, { 'app.txt': 'v2\n' }, 'B');
    await state('commit B');
    await detachAt(git, a);
    await state(`git switch --detach ${short(a)}`);
    await commitFiles(repo, { 'app.txt': 'v3\n' }, 'C');
    await state('commit C');
    await createBranch(git, '--force').catch((e: Error) => {
      console.log(`git branch --force: ${e.name}: ${e.message}`);
    });
  } finally {
    await repo.dispose();
  }
}
