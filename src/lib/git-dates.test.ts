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

  it('returns undefined outside a repository', () => {
    expect(lastCommitDate('a.mdx', mkdtempSync(join(tmpdir(), 'no-git-')))).toBeUndefined();
  });
});

describe('isoDay', () => {
  it('formats the UTC day', () => {
    expect(isoDay(new Date('2026-11-24T23:30:00-05:00'))).toBe('2026-11-25');
  });
});
