import { describe, expect, it } from 'vitest';
import { snippetRefs } from './snippet-usage.ts';

describe('snippetRefs', () => {
  it('finds each snippet with its line, in any attribute order', () => {
    const mdx = 'Intro\n\n<Snippet file="http/a.ts" region="one" />\n\ntext\n<Snippet region="two" file="http/b.ts" output />\n';
    expect(snippetRefs(mdx)).toEqual([
      { file: 'http/a.ts', region: 'one', line: 3, output: false },
      { file: 'http/b.ts', region: 'two', line: 6, output: true },
    ]);
  });

  it('skips a tag without both attributes (the build reports it)', () => {
    expect(snippetRefs('<Snippet file="http/a.ts" />')).toEqual([]);
  });

  it('does not mistake a file or region named like "output" for the flag', () => {
    expect(snippetRefs('<Snippet file="http/output.ts" region="output-x" />')[0]?.output).toBe(false);
  });
});
