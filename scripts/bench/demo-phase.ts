import type { DemoTiming } from '../../src/lib/demos/demo-output.ts';

/** The snippet-demo phase of a build, from its DEMO_TIMINGS_FILE log. */
export interface DemoPhase {
  /** Demos that ran (cache hits are not logged). */
  runs: number;
  /** First start to last end: what the phase adds to the build at most. */
  wallSeconds: number;
  /** Every demo's own time added up: the work, whatever the parallelism. */
  sumSeconds: number;
  /** The slowest demos, slowest first. */
  slowest: { file: string; seconds: number }[];
}

export function demoPhase(log: string, root: string): DemoPhase {
  const timings = log.split('\n').filter((l) => l.trim()).map((line, i) => {
    const t = JSON.parse(line) as Partial<DemoTiming>;
    if (typeof t.file !== 'string' || typeof t.start !== 'number' || typeof t.end !== 'number') {
      throw new Error(`demo timings line ${i + 1} needs file, start and end; found ${line}`);
    }
    return t as DemoTiming;
  });
  if (timings.length === 0) return { runs: 0, wallSeconds: 0, sumSeconds: 0, slowest: [] };
  const seconds = (t: DemoTiming) => (t.end - t.start) / 1000;
  const wall = (Math.max(...timings.map((t) => t.end)) - Math.min(...timings.map((t) => t.start))) / 1000;
  return {
    runs: timings.length,
    wallSeconds: round(wall),
    sumSeconds: round(timings.reduce((n, t) => n + seconds(t), 0)),
    slowest: [...timings].sort((a, b) => seconds(b) - seconds(a)).slice(0, 5)
      .map((t) => ({ file: t.file.startsWith(`${root}/`) ? t.file.slice(root.length + 1) : t.file, seconds: round(seconds(t)) })),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
