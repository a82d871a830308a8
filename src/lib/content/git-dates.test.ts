import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoDay, lastCommitDate } from './git-dates.ts';

describe('lastCommitDate', () => {
  it('reads the commit date of the last change to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-dates-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_COMMITTER_DATE: '2026-03-04T05:06:07Z', GIT_AUTHOR_DATE: '2026-03-04T05:06:07Z' } });
    git('init', '-q');
    writeFileSync(join(dir, 'a.mdx'), 'x');
    writeFileSync(join(dir, 'b.mdx'), 'y');
    git('add', 'a.mdx');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'add a');
    expect(lastCommitDate('a.mdx', dir)?.toISOString()).toBe('2026-03-04T05:06:07.000Z');
    expect(lastCommitDate('b.mdx', dir)).toBeUndefined();
  });

  it('takes each file\'s newest commit, from one read of the history', () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-dates-'));
    const commit = (day: string, file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      const env = { ...process.env, GIT_COMMITTER_DATE: `${day}T12:00:00Z`, GIT_AUTHOR_DATE: `${day}T12:00:00Z` };
      execFileSync('git', ['add', file], { cwd: dir });
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', file], { cwd: dir, env });
    };
    execFileSync('git', ['init', '-q'], { cwd: dir });
    commit('2026-01-01', 'a.mdx', '1');
    commit('2026-02-01', 'b.mdx', '1');
    commit('2026-03-01', 'a.mdx', '2');
    expect(lastCommitDate('a.mdx', dir)?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(lastCommitDate('b.mdx', dir)?.toISOString()).toBe('2026-02-01T12:00:00.000Z');
  });

  it('returns undefined outside a repository', () => {
    expect(lastCommitDate('a.mdx', mkdtempSync(join(tmpdir(), 'no-git-')))).toBeUndefined();
  });
});

describe('isoDay', () => {
  it('formats the UTC day', () => {
    expect(isoDay(new Date('2026-11-24T23:30:00-05:00'))).toBe('2026-11-25');
  });
});
