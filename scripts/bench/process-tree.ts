/**
 * Runs a command and measures its wall time and peak memory. Memory is the
 * resident set size (RSS) of the whole process tree (Astro starts a node per
 * demo, Pagefind is a native binary), sampled from /proc every 250 ms: a
 * spike shorter than that can be missed, so the figure is a lower bound.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Measured {
  seconds: number;
  peakRssBytes: number;
  /** What the command wrote to stdout and stderr, for a failure message. */
  log: string;
}

// A scan of /proc costs ~10–30 ms on a busy machine; sampling more often would slow the build it measures.
const SAMPLE_MS = 250;
const PAGE_SIZE = 4096;

/** `pid` and every process below it, given each process's parent. */
export function descendants(parentOf: ReadonlyMap<number, number>, pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** Parent pid and resident pages from a /proc/<pid>/stat line. */
export function parseStat(stat: string): { ppid: number; rssPages: number } {
  // The command name (field 2) is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), rssPages: Number(fields[21]) };
}

function treeRss(root: number): number {
  const stats = new Map<number, { ppid: number; rssPages: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.set(Number(name), parseStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // The process ended between listing and reading.
    }
  }
  const parents = new Map([...stats].map(([pid, s]) => [pid, s.ppid]));
  return descendants(parents, root).reduce((sum, pid) => sum + (stats.get(pid)?.rssPages ?? 0) * PAGE_SIZE, 0);
}

export function measure(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk));
    let peak = 0;
    const sample = () => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRss(child.pid));
    };
    const timer = setInterval(sample, SAMPLE_MS);
    sample();
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - start) / 1000;
      if (code === 0) resolve({ seconds, peakRssBytes: peak, log });
      else reject(new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited with ${code}:\n${log.split('\n').slice(-30).join('\n')}`));
    });
  });
}
