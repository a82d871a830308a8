/**
 * Finding flags that should be deleted. A release or experiment flag that
 * has served the same answer to everyone for weeks is dead code with a
 * remote control attached; a flag nobody evaluates is dead config. The scan
 * of a source folder says where each key is still referenced, so the
 * cleanup can remove the branch and then the flag, in that order.
 * @see https://martinfowler.com/articles/feature-toggles.html
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { FlagConfig } from './flag-rules.ts';

const DAY = 86_400_000;

// #region stale-flags
export interface StaleFlag {
  key: string;
  why: string;
  references: string[]; // file:line where the key is still used
}

export function findStaleFlags(flags: Iterable<FlagConfig>,
  lastEvaluated: Map<string, number>, refs: Map<string, string[]>,
  now: number, days = 30): StaleFlag[] {
  if (!(Number.isInteger(days) && days >= 1)) {
    throw new RangeError(`days must be an integer >= 1; got ${days}`);
  }
  const cutoff = now - days * DAY;
  const stale: StaleFlag[] = [];
  for (const f of flags) {
    // never evaluated: count from the last change, so a new flag gets time
    const seen = lastEvaluated.get(f.key) ?? Date.parse(f.updatedAt);
    const settled = f.rules.length === 0 && !f.killed &&
      (f.rollout === 0 || f.rollout === 100) &&
      Date.parse(f.updatedAt) <= cutoff;
    let why = '';
    if (seen <= cutoff) {
      why = `not evaluated for ${days} days`;
    } else if (settled && (f.kind === 'release' || f.kind === 'experiment')) {
      why = `at ${f.rollout}% for ${days}+ days`; // ops flags stay on purpose
    }
    if (why) {
      stale.push({ key: f.key, why, references: refs.get(f.key) ?? [] });
    }
  }
  return stale;
}
// #endregion stale-flags

// #region scan-code
const SKIP = new Set(['node_modules', '.git', 'dist', 'build']);
const CODE = /\.[cm]?[jt]sx?$/;

/** Every quoted flag key in .ts/.js files under root, as file:line.
 * Symlinks are not followed; files over maxBytes (bundles) are skipped. */
export async function scanForFlagKeys(root: string, keys: Iterable<string>,
  { maxBytes = 1_000_000 } = {}): Promise<Map<string, string[]>> {
  const wanted = new Set(keys);
  const found = new Map<string, string[]>();
  const literal = /(['"`])([a-z][a-z0-9-]{1,63})\1/g;
  for (const file of (await codeFiles(root)).sort()) {
    if ((await stat(file)).size > maxBytes) continue;
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(literal)) {
        if (!wanted.has(m[2]!)) continue;
        const at = `${relative(root, file)}:${i + 1}`;
        found.set(m[2]!, [...(found.get(m[2]!) ?? []), at]);
      }
    });
  }
  return found;
}

async function codeFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name); // a symlink is neither file nor dir here
    if (e.isDirectory() && !SKIP.has(e.name)) {
      files.push(...await codeFiles(path));
    } else if (e.isFile() && CODE.test(e.name)) files.push(path);
  }
  return files;
}
// #endregion scan-code

/** Keys referenced in code that no config defines: they always evaluate
 * to the caller's default, usually a typo or a flag deleted too early. */
export function unknownKeys(codeKeys: Iterable<string>,
  flags: Map<string, FlagConfig>): string[] {
  return [...new Set(codeKeys)].filter((k) => !flags.has(k)).sort();
}

if (import.meta.main) {
  const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const root = await mkdtemp(join(tmpdir(), 'flags-'));
  await mkdir(join(root, 'checkout'));
  // (No import line in these fake files: the build reads a demo's
  // imports by pattern and would look for the file one names.)
  await writeFile(join(root, 'checkout', 'pay.ts'),
    "if (on('new-checkout')) payV2(); else payV1();\n");
  await writeFile(join(root, 'search.ts'),
    "const ranker = on('ranker-b') ? rankB : rankA;\n");
  const base = { salt: 'v1', rules: [], killed: false };
  const flags: FlagConfig[] = [
    { ...base, key: 'new-checkout', kind: 'release', rollout: 100,
      updatedAt: '2026-09-01T00:00:00Z' },
    { ...base, key: 'ranker-b', kind: 'experiment', rollout: 50,
      updatedAt: '2026-11-25T00:00:00Z' },
    { ...base, key: 'pause-exports', kind: 'ops', rollout: 0,
      updatedAt: '2026-06-01T00:00:00Z' },
    { ...base, key: 'old-banner', kind: 'release', rollout: 0,
      updatedAt: '2026-05-01T00:00:00Z' },
  ];
  const now = Date.parse('2026-12-02T00:00:00Z');
  const lastEvaluated = new Map([['new-checkout', now - DAY],
    ['ranker-b', now - DAY], ['pause-exports', now - 2 * DAY]]);
  const refs = await scanForFlagKeys(root, flags.map((f) => f.key));
  for (const s of findStaleFlags(flags, lastEvaluated, refs, now)) {
    const todo = s.references.length
      ? `remove ${s.references.join(', ')}, then the flag` : 'delete it';
    console.log(`${s.key}: ${s.why}; ${todo}`);
  }
  await rm(root, { recursive: true, force: true });
}
