// `npm test`: the whole suite, one step after another, always ending with
// the line `tests: N passed, N failed` (scripts/test-summary.ts) and a
// non-zero exit when anything failed. A failed step does not stop the run,
// except that a step is not run when a step it needs failed: without a
// build there is no site to test. So one run shows every failure there is.
// Usage: npm test [-- step ...]   (steps: check, unit, python, build, site, e2e)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { buildForTests } from './build-for-tests.ts';
import { type Counts, reportCounts, type StepOutcome, summarize } from './test-summary.ts';

export interface Step {
  name: string;
  /** What it runs, for the log. */
  command: string;
  /** Runs the step in the foreground; its exit status. */
  run: () => number;
  /** The report it writes (JSON, or JUnit XML ending in .xml), with the counts of its tests. */
  report?: string;
  /** Steps that must pass first; when one was run and did not pass, this one is not run. */
  needs?: string[];
}

/** Runs an npm script, the command a contributor runs for that step alone. */
function npm(script: string): number {
  return spawnSync('npm', ['run', script], { stdio: 'inherit' }).status ?? 1;
}

/** Runs a script of this folder with bash, as a contributor would. */
function bash(script: string): number {
  return spawnSync('bash', [script], { stdio: 'inherit' }).status ?? 1;
}

export const STEPS: Step[] = [
  { name: 'check', command: 'npm run check', run: () => npm('check') },
  { name: 'unit', command: 'npm run test:unit', run: () => npm('test:unit'), report: 'test-results/vitest-unit.json' },
  { name: 'python', command: 'bash scripts/python-tests.sh', run: () => bash('scripts/python-tests.sh'), report: 'test-results/pytest.xml' },
  { name: 'build', command: 'node scripts/build-for-tests.ts', run: buildForTests },
  { name: 'site', command: 'npm run test:site', run: () => npm('test:site'), report: 'test-results/vitest-site.json', needs: ['build'] },
  { name: 'e2e', command: 'npm run test:e2e', run: () => npm('test:e2e'), report: 'test-results/playwright.json', needs: ['build'] },
];

/** What the runner does to the world; replaced in tests. */
export interface RunnerIO {
  /** The report at `path`, parsed when JSON, as text when XML; undefined when there is none. */
  readReport: (path: string) => unknown;
  removeReport: (path: string) => void;
  /** Milliseconds, for each step's duration. */
  now: () => number;
  print: (line: string) => void;
}

/** A report from disk: JSON parsed, JUnit XML (`.xml`) as text for reportCounts; undefined when absent. */
export function readReportFile(path: string): unknown {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.xml') ? text : JSON.parse(text);
}

const realIO: RunnerIO = {
  readReport: readReportFile,
  removeReport: (path) => rmSync(path, { force: true }),
  now: () => performance.now(),
  print: (line) => console.log(line),
};

function runStep(step: Step, io: RunnerIO): StepOutcome {
  // A report left by an earlier run must not stand in for this one.
  if (step.report) io.removeReport(step.report);
  io.print(`\n== ${step.name}: ${step.command}`);
  const start = io.now();
  let exitCode: number;
  let problem: string | undefined;
  try {
    exitCode = step.run();
  } catch (error) {
    exitCode = 1;
    problem = (error as Error).message;
  }
  const seconds = (io.now() - start) / 1000;
  let counts: Counts | undefined;
  if (step.report && !problem) {
    try {
      const report = io.readReport(step.report);
      if (report === undefined) problem = `wrote no report at ${step.report}`;
      else counts = reportCounts(report);
    } catch (error) {
      problem = `${step.report}: ${(error as Error).message}`;
    }
  }
  const passed = exitCode === 0 && !problem && !counts?.failed;
  return { step: step.name, status: passed ? 'passed' : 'failed', exitCode, seconds, counts, problem };
}

/** Runs `steps` in order and prints the summary; the exit code for the whole run. */
export function runTests(steps: readonly Step[], io: RunnerIO = realIO): number {
  const names = new Set(steps.map((step) => step.name));
  const passed = new Set<string>();
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    // A needed step left out of this run (`npm test -- site`) is taken as done.
    const needs = (step.needs ?? []).filter((name) => names.has(name) && !passed.has(name));
    const outcome: StepOutcome = needs.length ? { step: step.name, status: 'not run', needs } : runStep(step, io);
    if (outcome.status === 'passed') passed.add(step.name);
    outcomes.push(outcome);
  }
  const { lines, exitCode } = summarize(outcomes);
  io.print('');
  for (const line of lines) io.print(line);
  return exitCode;
}

/** The steps named on the command line, in suite order; all when none is named. */
export function selectSteps(names: readonly string[], steps: readonly Step[] = STEPS): Step[] {
  const unknown = names.filter((name) => !steps.some((step) => step.name === name));
  if (unknown.length) throw new Error(`no step ${unknown.join(', ')}; the steps are ${steps.map((s) => s.name).join(', ')}`);
  return names.length ? steps.filter((step) => names.includes(step.name)) : [...steps];
}

if (import.meta.main) {
  let steps: Step[];
  try {
    steps = selectSteps(process.argv.slice(2));
  } catch (error) {
    console.error(`run-tests: ${(error as Error).message}`);
    process.exit(2);
  }
  process.exit(runTests(steps));
}
