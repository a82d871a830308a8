// The suite's closing lines (scripts/run-tests.ts prints them): one per
// step, then `tests: N passed, N failed`, the line a CI log ends with.
// Test counts come from the JSON reports Vitest and Playwright write into
// test-results/, and from pytest's JUnit XML report. A step that failed with no failing test to show for it (a
// type error, a build error, a crash before the report) counts as one
// failure, so a failed run never ends with "0 failed"; every failed step is
// named, and so is every step that could not run.

/** Tests in one report. */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** How one step of the suite went. */
export type StepOutcome =
  | {
    step: string;
    status: 'passed' | 'failed';
    exitCode: number;
    seconds: number;
    /** From the step's report, when it has one and wrote it. */
    counts?: Counts;
    /** Why the step failed beyond its exit code, like a report that is missing. */
    problem?: string;
  }
  | {
    step: string;
    status: 'not run';
    /** The steps it needs that did not pass. */
    needs: string[];
  };

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/** The numeric attributes of each `<testsuite …>` start tag (not `<testsuites>`). */
function suiteAttributes(xml: string): Record<string, number | undefined>[] {
  return [...xml.matchAll(/<testsuite\b([^>]*)>/g)].map(([, attrs]) => {
    const values: Record<string, number | undefined> = {};
    for (const [, name, value] of attrs!.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) {
      values[name!] = /^\d+$/.test(value!) ? Number(value) : Number.NaN;
    }
    return values;
  });
}

/**
 * Test counts from a JUnit XML report (pytest's --junitxml), summed over its
 * `<testsuite>` elements: `tests` counts every test, so passed is
 * tests - failures - errors - skipped, and an error counts as a failure.
 */
export function junitCounts(xml: string): Counts {
  const suites = suiteAttributes(xml);
  if (suites.length === 0) throw new Error('not a JUnit XML report: it has no <testsuite> element');
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites) {
    const { tests, failures = 0, errors = 0, skipped = 0 } = suite;
    if (![tests, failures, errors, skipped].every((n) => Number.isInteger(n))) {
      throw new Error('not a JUnit XML report: a <testsuite> lacks whole-number tests, failures, errors or skipped');
    }
    const passed = tests! - failures - errors - skipped;
    if (passed < 0) throw new Error(`a <testsuite> counts more failures, errors and skips than its ${tests} tests`);
    total.passed += passed;
    total.failed += failures + errors;
    total.skipped += skipped;
  }
  return total;
}

/** Test counts from a Vitest or Playwright JSON report, or a JUnit XML one (as text); throws saying what it is not. */
export function reportCounts(report: unknown): Counts {
  if (typeof report === 'string') return junitCounts(report);
  const r = (report ?? {}) as Record<string, unknown>;
  if (isCount(r.numPassedTests) && isCount(r.numFailedTests) && isCount(r.numPendingTests)) {
    return { passed: r.numPassedTests as number, failed: r.numFailedTests as number, skipped: r.numPendingTests as number };
  }
  const s = (r.stats ?? {}) as Record<string, unknown>;
  if (isCount(s.expected) && isCount(s.unexpected) && isCount(s.flaky) && isCount(s.skipped)) {
    // A flaky test failed, then passed on a retry: it passed.
    const [expected, unexpected, flaky, skipped] = [s.expected, s.unexpected, s.flaky, s.skipped] as number[];
    return { passed: expected! + flaky!, failed: unexpected!, skipped: skipped! };
  }
  throw new Error('not a Vitest report (numPassedTests, numFailedTests, numPendingTests) or a Playwright one (stats)');
}

function stepLine(outcome: StepOutcome): string {
  if (outcome.status === 'not run') return `not run: needs ${outcome.needs.join(', ')}`;
  const { status, exitCode, seconds, counts, problem } = outcome;
  const tests = counts ? `, ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}` : '';
  const exit = exitCode === 0 ? '' : ` (exit ${exitCode})`;
  return `${status}${exit}${tests}${problem ? `: ${problem}` : ''}, ${seconds.toFixed(1)} s`;
}

/** The lines that close a run, the last being `tests: …`, and the exit code: 1 when any step failed or could not run. */
export function summarize(outcomes: readonly StepOutcome[]): { lines: string[]; exitCode: 0 | 1 } {
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const failedSteps: string[] = [];
  const notRun: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'not run') {
      notRun.push(outcome.step);
      continue;
    }
    const { counts } = outcome;
    if (counts) {
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
    }
    if (outcome.status === 'failed') {
      failedSteps.push(outcome.step);
      if (!counts?.failed) total.failed += 1;
    }
  }
  const width = Math.max(0, ...outcomes.map((o) => o.step.length));
  const lines = outcomes.map((o) => `  ${o.step.padEnd(width)}  ${stepLine(o)}`);
  let last = `tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`;
  if (failedSteps.length) last += `; failed step${failedSteps.length > 1 ? 's' : ''}: ${failedSteps.join(', ')}`;
  if (notRun.length) last += `; not run: ${notRun.join(', ')}`;
  return { lines: [...lines, last], exitCode: failedSteps.length || notRun.length ? 1 : 0 };
}
