/**
 * How many esbuild service processes this process started (its children,
 * read from /proc): esbuild runs one per thread that calls it, and the
 * runner's tests check which of them are left running.
 */
import { readFileSync } from 'node:fs';
import { childrenOf } from '../scripts/bench/process-tree.ts';

export function esbuildChildren(): number {
  return childrenOf(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('esbuild');
    } catch {
      return false; // The process ended between listing and reading.
    }
  }).length;
}

/** Waits up to 10 s for the count to reach `count`; the count then. */
export async function esbuildChildrenSettle(count: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (esbuildChildren() !== count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return esbuildChildren();
}
