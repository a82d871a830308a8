import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReportFile, type RunnerIO, runTests, selectSteps, type Step, STEPS } from './run-tests.ts';
import { reportCounts } from './test-summary.ts';

/** A world of reports in memory and a clock that moves one second per step. */
function world(reports: Record<string, unknown> = {}) {
  const files = new Map(Object.entries(reports));
  const printed: string[] = [];
  let clock = 0;
  const io: RunnerIO = {
    readReport: (path) => files.get(path),
    removeReport: (path) => files.delete(path),
    now: () => (clock += 500),
    print: (line) => printed.push(line),
  };
  return { io, files, printed };
}

const vitestReport = (passed: number, failed: number) => ({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0 });

/** The suite's steps, each running a fake that returns `exits[name]` (0 when absent) and may write a report. */
function suite(exits: Record<string, number>, writes: Record<string, unknown>, files: Map<string, unknown>, ran: string[]): Step[] {
  return STEPS.map((step) => ({
    ...step,
    run: () => {
      ran.push(step.name);
      if (step.report && writes[step.name] !== undefined) files.set(step.report, writes[step.name]);
      return exits[step.name] ?? 0;
    },
  }));
}

/** pytest's --junitxml report, as the runner reads it: text. */
const junitReport = (tests: number, failures: number, errors = 0, skipped = 0) =>
  `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="${errors}" failures="${failures}" skipped="${skipped}" tests="${tests}" time="0.6"></testsuite></testsuites>`;

const reportsOfAllPassing = { unit: vitestReport(10, 0), python: junitReport(5, 0), site: vitestReport(4, 0), e2e: { stats: { expected: 3, unexpected: 0, flaky: 0, skipped: 0 } } };

describe('runTests', () => {
  it('runs every step in order and exits 0 when all pass', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    expect(runTests(suite({}, reportsOfAllPassing, files, ran), io)).toBe(0);
    expect(ran).toEqual(['check', 'unit', 'python', 'build', 'site', 'e2e']);
    expect(printed.at(-1)).toBe('tests: 22 passed, 0 failed');
  });

  it('carries on after a failed check and still prints the summary, naming the step', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    expect(runTests(suite({ check: 2 }, reportsOfAllPassing, files, ran), io)).toBe(1);
    expect(ran).toEqual(['check', 'unit', 'python', 'build', 'site', 'e2e']);
    expect(printed.at(-1)).toBe('tests: 22 passed, 1 failed; failed step: check');
  });

  it('carries on after failing unit tests, counting each failed test', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    const exitCode = runTests(suite({ unit: 1 }, { ...reportsOfAllPassing, unit: vitestReport(9, 1) }, files, ran), io);
    expect(exitCode).toBe(1);
    expect(ran).toEqual(['check', 'unit', 'python', 'build', 'site', 'e2e']);
    expect(printed.at(-1)).toBe('tests: 21 passed, 1 failed; failed step: unit');
  });

  it('does not run the site and browser tests when the build fails', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    expect(runTests(suite({ build: 1 }, reportsOfAllPassing, files, ran), io)).toBe(1);
    expect(ran).toEqual(['check', 'unit', 'python', 'build']);
    expect(printed.at(-1)).toBe('tests: 15 passed, 1 failed; failed step: build; not run: site, e2e');
  });

  it('does not count a report left by an earlier run', () => {
    const { io, files, printed } = world({ 'test-results/vitest-unit.json': vitestReport(99, 0) });
    const ran: string[] = [];
    // The unit step crashes before it writes a report this time.
    const exitCode = runTests(suite({ unit: 1 }, { ...reportsOfAllPassing, unit: undefined }, files, ran), io);
    expect(exitCode).toBe(1);
    expect(printed).toContain('  unit    failed (exit 1): wrote no report at test-results/vitest-unit.json, 0.5 s');
    expect(printed.at(-1)).toBe('tests: 12 passed, 1 failed; failed step: unit');
  });

  it('fails a step that exits 0 without writing its report, so a renamed report cannot pass unseen', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    expect(runTests(suite({}, { ...reportsOfAllPassing, site: undefined }, files, ran), io)).toBe(1);
    expect(printed.at(-1)).toBe('tests: 18 passed, 1 failed; failed step: site');
  });

  it('fails a step whose report shows failed tests, whatever its exit code', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    expect(runTests(suite({}, { ...reportsOfAllPassing, unit: vitestReport(9, 1) }, files, ran), io)).toBe(1);
    expect(printed.at(-1)).toBe('tests: 21 passed, 1 failed; failed step: unit');
  });

  it('counts the python step from its JUnit XML report, errors as failures', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    const exitCode = runTests(suite({ python: 1 }, { ...reportsOfAllPassing, python: junitReport(30, 1, 1, 2) }, files, ran), io);
    expect(exitCode).toBe(1);
    expect(printed).toContain('  python  failed (exit 1), 26 passed, 2 failed, 2 skipped, 0.5 s');
    expect(printed.at(-1)).toBe('tests: 43 passed, 2 failed, 2 skipped; failed step: python');
  });

  it('passes a python step that skipped for want of Python, showing the skip', () => {
    const { io, files, printed } = world();
    const ran: string[] = [];
    expect(runTests(suite({}, { ...reportsOfAllPassing, python: junitReport(1, 0, 0, 1) }, files, ran), io)).toBe(0);
    expect(printed.at(-1)).toBe('tests: 17 passed, 0 failed, 1 skipped');
  });

  it('runs the python tests with the script a contributor runs, reporting JUnit XML', () => {
    expect(STEPS.find((step) => step.name === 'python')).toMatchObject({ command: 'bash scripts/python-tests.sh', report: 'test-results/pytest.xml' });
  });

  it('fails a step that throws instead of exiting, and carries on', () => {
    const { io, printed } = world();
    const steps: Step[] = [
      { name: 'build', command: 'build', run: () => { throw new Error('spawnSync npm ENOENT'); } },
      { name: 'after', command: 'after', run: () => 0 },
    ];
    expect(runTests(steps, io)).toBe(1);
    expect(printed).toContain('  build  failed (exit 1): spawnSync npm ENOENT, 0.5 s');
    expect(printed.at(-1)).toBe('tests: 0 passed, 1 failed; failed step: build');
  });
});

describe('readReportFile', () => {
  it('parses a JSON report, passes a JUnit XML one on as text, and says undefined when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reports-'));
    writeFileSync(join(dir, 'unit.json'), JSON.stringify(vitestReport(3, 1)));
    writeFileSync(join(dir, 'pytest.xml'), junitReport(4, 0, 0, 1));
    expect(reportCounts(readReportFile(join(dir, 'unit.json')))).toEqual({ passed: 3, failed: 1, skipped: 0 });
    expect(reportCounts(readReportFile(join(dir, 'pytest.xml')))).toEqual({ passed: 3, failed: 0, skipped: 1 });
    expect(readReportFile(join(dir, 'missing.xml'))).toBeUndefined();
  });
});

describe('selectSteps', () => {
  it('keeps the suite order and takes a needed step left out as done', () => {
    expect(selectSteps(['e2e', 'site']).map((s) => s.name)).toEqual(['site', 'e2e']);
    const { io, printed } = world({});
    const steps = selectSteps(['site'], STEPS).map((step) => ({ ...step, run: () => 0, report: undefined }));
    expect(runTests(steps, io)).toBe(0);
    expect(printed.at(-1)).toBe('tests: 0 passed, 0 failed');
  });

  it('runs every step when none is named, and names the steps when one is unknown', () => {
    expect(selectSteps([]).map((s) => s.name)).toEqual(['check', 'unit', 'python', 'build', 'site', 'e2e']);
    expect(() => selectSteps(['lint'])).toThrow('no step lint; the steps are check, unit, python, build, site, e2e');
  });
});
