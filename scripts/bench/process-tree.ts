/**
 * Runs a command and measures its wall time and, when asked, its peak
 * memory, summed over the whole process tree (Astro starts a demo host
 * process, Pagefind is a native binary) and sampled from /proc every
 * 250 ms: a spike shorter than that can be missed, so the figures are
 * lower bounds.
 *
 * Two sums: RSS counts every page a process has resident, so a page shared
 * by three processes (the node binary's code, say, 50 MB) counts three
 * times; PSS (proportional set size) charges each process its share, 1/3,
 * and so adds up to the memory the tree really holds. A one-process build
 * has the same RSS and PSS but for pages shared with processes outside it.
 *
 * Sampling is not free: the kernel walks each process's page tables to
 * sum PSS, holding its memory map's lock. Over a cold build of ours it
 * took ~2.6 s of CPU (2.0 s of it in the kernel; the sampling process's
 * own times, 2026-12-02), taken from a build that keeps both cores busy;
 * a build on one core, like Starlight's, loses little to it. So the
 * benchmark times builds unsampled and samples memory in builds of its own.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Measured {
  seconds: number;
  /** The tree's highest memory, sampled; null when not asked for. */
  peak: { rssBytes: number; pssBytes: number } | null;
  /** What the command wrote to stdout and stderr, for a failure message. */
  log: string;
}

// A scan of /proc costs ~10–30 ms on a busy machine; sampling more often would slow the build it measures.
const SAMPLE_MS = 250;

/** `pid` and every process below it, given each process's parent. */
export function descendants(parentOf: ReadonlyMap<number, number>, pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** Parent pid from a /proc/<pid>/stat line. */
export function parseParent(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

/** Resident and proportional bytes from /proc/<pid>/smaps_rollup. */
export function parseSmapsRollup(text: string): { rssBytes: number; pssBytes: number } {
  const kB = (field: string) => {
    const match = text.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm'));
    if (!match) throw new Error(`smaps_rollup has no ${field} line:\n${text.slice(0, 200)}`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kB('Rss'), pssBytes: kB('Pss') };
}

/** Every running process's parent, read from /proc now. */
function parentsNow(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parents.set(Number(name), parseParent(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return parents;
}

/** The processes whose parent is `pid` now. */
export function childrenOf(pid: number): number[] {
  return [...parentsNow()].filter(([, parent]) => parent === pid).map(([child]) => child);
}

function treeMemory(root: number): { rssBytes: number; pssBytes: number } {
  const sum = { rssBytes: 0, pssBytes: 0 };
  for (const pid of descendants(parentsNow(), root)) {
    let rollup: string;
    try {
      rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    } catch {
      continue; // The process ended since the scan.
    }
    if (rollup === '') continue; // Exited, not yet reaped: it holds no memory.
    const memory = parseSmapsRollup(rollup);
    sum.rssBytes += memory.rssBytes;
    sum.pssBytes += memory.pssBytes;
  }
  return sum;
}

export function measure(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; sampleMemory: boolean },
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk));
    const peak = options.sampleMemory ? { rssBytes: 0, pssBytes: 0 } : null;
    const sample = () => {
      if (child.pid === undefined || !peak) return;
      const now = treeMemory(child.pid);
      peak.rssBytes = Math.max(peak.rssBytes, now.rssBytes);
      peak.pssBytes = Math.max(peak.pssBytes, now.pssBytes);
    };
    const timer = peak ? setInterval(sample, SAMPLE_MS) : undefined;
    sample();
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - start) / 1000;
      if (code === 0) resolve({ seconds, peak, log });
      else reject(new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited with ${code}:\n${log.split('\n').slice(-30).join('\n')}`));
    });
  });
}
