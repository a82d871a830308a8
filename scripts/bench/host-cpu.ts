/**
 * Measures the demo hosts alone: runs every demo a page shows with `output`
 * (or those whose path matches `--only`) through a DemoQueue, one host at a
 * time and in the build's order, as a cold build does, and prints the hosts' CPU (user + system, from this process's
 * reaped-children times, so it includes what the hosts' own children
 * used), how many hosts started, and the highest PSS one reached (sampled
 * every 100 ms). With `--out file.json` it also writes every demo's
 * stdout, stderr and exit code, to compare two versions of the host:
 *
 *   node scripts/bench/host-cpu.ts [--runs 3] [--only 'db/'] [--out before.json]
 *   node scripts/bench/host-cpu.ts --compare before.json after.json
 *
 * The wall time is printed too, but on a shared 2-core machine it is
 * noise: compare CPU seconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readQuestionSources } from '../../src/lib/content/question-files.ts';
import { DemoQueue, HOST_RSS_LIMIT_MB } from '../../src/lib/demos/demo-queue.ts';
import { pageSnippets, SNIPPET_DIR } from '../../src/lib/markdown/snippet-usage.ts';
import { childrenOf, parseSmapsRollup } from './process-tree.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TICKS_PER_SECOND = 100;

type Outputs = Record<string, { stdout: string; stderr: string; exitCode: number }>;

/** CPU seconds of this process's reaped children (cutime + cstime). */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5); `fields` starts at field 3.
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function demoFiles(): string[] {
  return [...new Set(readQuestionSources(root).flatMap((page) =>
    pageSnippets(page.text).refs.filter((ref) => ref.output).map((ref) => join(root, SNIPPET_DIR, ref.file))))];
}

async function measure(files: string[]): Promise<{ cpu: number; wall: number; hosts: number; peakPss: number; outputs: Outputs }> {
  const queue = new DemoQueue(root, 1, HOST_RSS_LIMIT_MB);
  const seen = new Set<number>();
  let peakPss = 0;
  const sample = setInterval(() => {
    for (const pid of childrenOf(process.pid)) {
      seen.add(pid);
      try {
        peakPss = Math.max(peakPss, parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')).pssBytes);
      } catch {
        // ended meanwhile
      }
    }
  }, 100);
  const cpu0 = childrenCpu();
  const start = performance.now();
  const results = await Promise.all(files.map((file) => queue.run(file, 60_000)));
  // Wait for the last host to exit and be reaped.
  while (childrenOf(process.pid).length > 0) await new Promise((done) => setTimeout(done, 50));
  clearInterval(sample);
  const wall = (performance.now() - start) / 1000;
  const outputs: Outputs = {};
  for (const result of results) {
    outputs[result.file.slice(root.length + 1)] = {
      stdout: result.stdout,
      // A warning names the host's pid, which differs from run to run.
      stderr: result.stderr.replace(/\(node:\d+\)/g, '(node:PID)'),
      exitCode: result.exitCode,
    };
  }
  return { cpu: childrenCpu() - cpu0, wall, hosts: seen.size, peakPss, outputs };
}

function compare(before: Outputs, after: Outputs): number {
  let differ = 0;
  for (const file of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const same = JSON.stringify(before[file]) === JSON.stringify(after[file]);
    if (!same) {
      differ++;
      console.log(`DIFFER ${file}\n  before: ${JSON.stringify(before[file])}\n  after:  ${JSON.stringify(after[file])}`);
    }
  }
  console.log(`${Object.keys(after).length} demos; ${differ} differ`);
  return differ;
}

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '1' }, out: { type: 'string' }, compare: { type: 'boolean' }, only: { type: 'string' } }, allowPositionals: true });
if (values.compare) {
  const [a, b] = positionals.map((file) => JSON.parse(readFileSync(file!, 'utf8')) as Outputs);
  process.exit(compare(a!, b!) ? 1 : 0);
}
const files = demoFiles().filter((file) => !values.only || new RegExp(values.only).test(file));
for (let run = 1; run <= Number(values.runs); run++) {
  const { cpu, wall, hosts, peakPss, outputs } = await measure(files);
  console.log(`run ${run}: ${files.length} demos, host CPU ${cpu.toFixed(2)} s, ${hosts} hosts, peak host PSS ${(peakPss / 2 ** 20).toFixed(0)} MiB, wall ${wall.toFixed(1)} s`);
  if (values.out && run === 1) writeFileSync(values.out, JSON.stringify(outputs, null, 1));
}
