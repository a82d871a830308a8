import { describe, expect, it } from 'vitest';
import { junitCounts, reportCounts, type StepOutcome, summarize } from './test-summary.ts';

const ran = (step: string, exitCode: number, extra: Partial<Extract<StepOutcome, { exitCode: number }>> = {}): StepOutcome =>
  ({ step, status: exitCode === 0 ? 'passed' : 'failed', exitCode, seconds: 1, ...extra });

describe('reportCounts', () => {
  it('reads a Vitest report, pending tests as skipped', () => {
    expect(reportCounts({ numPassedTests: 7, numFailedTests: 2, numPendingTests: 1, success: false }))
      .toEqual({ passed: 7, failed: 2, skipped: 1 });
  });

  it('reads a Playwright report, a flaky test as passed', () => {
    expect(reportCounts({ stats: { expected: 40, unexpected: 1, flaky: 2, skipped: 3 } }))
      .toEqual({ passed: 42, failed: 1, skipped: 3 });
  });

  it('says what it expected when the JSON is neither', () => {
    expect(() => reportCounts({ tests: 3 })).toThrow(/not a Vitest report .* or a Playwright one/);
    expect(() => reportCounts(null)).toThrow(/not a Vitest report/);
  });
});

describe('junitCounts', () => {
  // As pytest 9 writes it with --junitxml (one <testsuite> inside <testsuites>).
  const pytest = (attrs: string) =>
    `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" ${attrs} time="0.6" hostname="vm"><testcase classname="tests.test_a" name="test_x" time="0.01" /></testsuite></testsuites>`;

  it('passed = tests - failures - errors - skipped; errors count as failures', () => {
    expect(junitCounts(pytest('errors="1" failures="2" skipped="3" tests="30"'))).toEqual({ passed: 24, failed: 3, skipped: 3 });
    expect(reportCounts(pytest('errors="0" failures="0" skipped="0" tests="30"'))).toEqual({ passed: 30, failed: 0, skipped: 0 });
  });

  it('sums several suites and does not count the <testsuites> totals twice', () => {
    const xml = '<testsuites tests="5" failures="1"><testsuite tests="2" failures="1" errors="0" skipped="0"></testsuite><testsuite tests="3" failures="0" errors="0" skipped="1"/></testsuites>';
    expect(junitCounts(xml)).toEqual({ passed: 3, failed: 1, skipped: 1 });
  });

  it('takes missing failures, errors or skipped as 0 (some writers leave them out)', () => {
    expect(junitCounts('<testsuite name="x" tests="4" failures="1"></testsuite>')).toEqual({ passed: 3, failed: 1, skipped: 0 });
  });

  it('says what it expected from anything else', () => {
    expect(() => junitCounts('<html></html>')).toThrow('not a JUnit XML report: it has no <testsuite> element');
    expect(() => junitCounts('<testsuite failures="0"></testsuite>')).toThrow(/lacks whole-number tests/);
    expect(() => junitCounts('<testsuite tests="2" failures="x"></testsuite>')).toThrow(/lacks whole-number/);
    expect(() => junitCounts('<testsuite tests="1" failures="2"></testsuite>')).toThrow('a <testsuite> counts more failures, errors and skips than its 1 tests');
  });
});

describe('summarize', () => {
  it('ends a clean run with the counts of every report, and exit code 0', () => {
    const summary = summarize([
      ran('check', 0),
      ran('unit', 0, { counts: { passed: 10, failed: 0, skipped: 1 } }),
      ran('e2e', 0, { counts: { passed: 5, failed: 0, skipped: 0 } }),
    ]);
    expect(summary.lines.at(-1)).toBe('tests: 15 passed, 0 failed, 1 skipped');
    expect(summary.exitCode).toBe(0);
  });

  it('counts a step that failed without a report as one failure, and names it', () => {
    const summary = summarize([ran('check', 2), ran('unit', 0, { counts: { passed: 10, failed: 0, skipped: 0 } })]);
    expect(summary.lines.at(-1)).toBe('tests: 10 passed, 1 failed; failed step: check');
    expect(summary.lines[0]).toBe('  check  failed (exit 2), 1.0 s');
    expect(summary.exitCode).toBe(1);
  });

  it('counts failing tests once, not the step on top of them', () => {
    const summary = summarize([ran('unit', 1, { counts: { passed: 8, failed: 2, skipped: 0 } })]);
    expect(summary.lines).toEqual(['  unit  failed (exit 1), 8 passed, 2 failed, 1.0 s', 'tests: 8 passed, 2 failed; failed step: unit']);
    expect(summary.exitCode).toBe(1);
  });

  it('fails a step whose tool exited 0 but whose report is missing', () => {
    const summary = summarize([ran('site', 0, { status: 'failed', problem: 'wrote no report at test-results/vitest-site.json' })]);
    expect(summary.lines).toEqual([
      '  site  failed: wrote no report at test-results/vitest-site.json, 1.0 s',
      'tests: 0 passed, 1 failed; failed step: site',
    ]);
    expect(summary.exitCode).toBe(1);
  });

  it('names the steps that could not run, and what they needed', () => {
    const summary = summarize([
      ran('build', 1),
      { step: 'site', status: 'not run', needs: ['build'] },
      { step: 'e2e', status: 'not run', needs: ['build'] },
    ]);
    expect(summary.lines).toEqual([
      '  build  failed (exit 1), 1.0 s',
      '  site   not run: needs build',
      '  e2e    not run: needs build',
      'tests: 0 passed, 1 failed; failed step: build; not run: site, e2e',
    ]);
    expect(summary.exitCode).toBe(1);
  });

  it('lists several failed steps in order', () => {
    expect(summarize([ran('check', 1), ran('build', 1)]).lines.at(-1)).toBe('tests: 0 passed, 2 failed; failed steps: check, build');
  });
});
