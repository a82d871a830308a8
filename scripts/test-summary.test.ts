import { describe, expect, it } from 'vitest';
import { reportCounts, type StepOutcome, summarize } from './test-summary.ts';

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
