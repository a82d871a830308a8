/**
 * Checks that the demo host's database pool (src/lib/demos/database-pool.ts)
 * changes no demo's output: runs every demo a page shows that opens a
 * database through snippets/db/database.ts, first in demo hosts as the build
 * does (pool on, in the build's order), then each as `node file`, and
 * compares stdout byte for byte. Prints one line per demo and exits 1 on any
 * difference.
 *
 *   node scripts/compare-pooled-demos.ts
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readQuestionSources } from '../src/lib/content/question-files.ts';
import { WARM_UP_MODULE } from '../src/lib/demos/demo-output.ts';
import { runInDemoHost } from '../src/lib/demos/demo-queue.ts';
import { pageSnippets, SNIPPET_DIR } from '../src/lib/markdown/snippet-usage.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE = join(root, SNIPPET_DIR, 'db/database.ts');

/** Whether the module, or a module of ours it imports, is database.ts. */
function opensDatabase(file: string, seen = new Set<string>()): boolean {
  if (file === DATABASE) return true;
  if (seen.has(file)) return false;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+\.ts)'/g)]
    .some(([, specifier]) => opensDatabase(join(dirname(file), specifier!), seen));
}

const shown = [...new Set(readQuestionSources(root).flatMap((page) =>
  pageSnippets(page.text).refs.filter((ref) => ref.output).map((ref) => join(root, SNIPPET_DIR, ref.file))))];
const demos = shown.filter((file) => opensDatabase(file));

const options = { cwd: root, timeoutMs: 60_000, hosts: 1 };
// As a cold build does, the host runs the warm-up first (warmDemoHost), so the first database demo borrows its database.
const [warmUp, ...hosted] = await Promise.all([WARM_UP_MODULE, ...demos].map((file) => runInDemoHost(file, options)));
if (warmUp!.exitCode !== 0) throw new Error(`the warm-up (${WARM_UP_MODULE}) failed, so no database demo ran as in a build:\n${warmUp!.stderr}`);
let differ = 0;
for (const [i, file] of demos.entries()) {
  const alone = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const same = alone.status === hosted[i]!.exitCode && alone.stdout === hosted[i]!.stdout;
  if (!same) differ++;
  console.log(`${same ? 'same  ' : 'DIFFER'} ${file.slice(root.length + 1)}`);
  if (!same) console.log(`  node: ${JSON.stringify(alone.stdout)}\n  host: ${JSON.stringify(hosted[i]!.stdout)}`);
}
console.log(`${demos.length} database demos of ${shown.length} shown; ${differ} differ`);
process.exit(differ ? 1 : 0);
