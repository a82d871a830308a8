/**
 * How many esbuild service processes this process started (its children,
 * read from /proc): esbuild runs one per thread that calls it, and the
 * runner's tests check which of them are left running.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function esbuildChildren(): number {
  let count = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('esbuild')) count++;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return count;
}

/** Waits up to 10 s for the count to reach `count`; the count then. */
export async function esbuildChildrenSettle(count: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (esbuildChildren() !== count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return esbuildChildren();
}
