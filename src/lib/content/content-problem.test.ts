import { readFileSync } from 'node:fs';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { formatProblems, GUIDE } from './content-problem.ts';

describe('formatProblems', () => {
  it('lists every problem on its own line, by file and line, under a count', () => {
    const text = formatProblems([
      { file: 'b.mdx', line: 1, severity: 'warning', message: 'has 121 words of prose' },
      { file: 'a.mdx', line: 3, severity: 'error', message: 'id must be a number' },
      { file: 'a.mdx', line: 1, severity: 'error', message: 'file name must be NNN-slug.mdx' },
    ]);
    expect(text).toBe(
      [
        '2 errors and 1 warning in the content:',
        '  a.mdx:1  error  file name must be NNN-slug.mdx',
        '  a.mdx:3  error  id must be a number',
        '  b.mdx:1  warning  has 121 words of prose',
      ].join('\n'),
    );
  });

  it('counts one problem in the singular', () => {
    expect(formatProblems([{ file: 'a.mdx', line: 2, severity: 'error', message: 'x' }]).split('\n')[0]).toBe('1 error in the content:');
  });
});

describe('GUIDE', () => {
  it.each(Object.values(GUIDE))('%s is a heading of a guide in the repository', (link) => {
    const [file, anchor] = link.split('#');
    const slugger = new GithubSlugger();
    const headings = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slugger.slug(line.replace(/^#+ /, '')));
    expect(headings).toContain(anchor);
  });
});
