import { describe, expect, it } from 'vitest';
import { pageSnippets, snippetLanguage, snippetRef, testPathsFor } from './snippet-usage.ts';
import type { JsxElement } from './mdast.ts';

describe('pageSnippets', () => {
  it('finds each snippet with its line, in any attribute order', () => {
    const mdx = 'Intro\n\n<Snippet file="http/a.ts" region="one" />\n\ntext\n\n<Snippet region="two" file="http/b.ts" output />\n';
    expect(pageSnippets(mdx).refs).toEqual([
      { file: 'http/a.ts', region: 'one', line: 3, output: false },
      { file: 'http/b.ts', region: 'two', line: 7, output: true },
    ]);
  });

  it('reports, instead of returning, a tag without both attributes', () => {
    const { refs, problems } = pageSnippets('text\n\n<Snippet file="http/a.ts" />\n');
    expect(refs).toEqual([]);
    expect(problems).toEqual([
      { line: 3, message: '<Snippet> needs file="concern/module.ts" (under snippets/) and region="name", like <Snippet file="http/status.ts" region="create" /> (CONTRIBUTING.md#snippets)' },
    ]);
  });

  it('does not mistake a file or region named like "output" for the flag', () => {
    expect(pageSnippets('<Snippet file="http/output.ts" region="output-x" />')).toEqual({
      refs: [{ file: 'http/output.ts', region: 'output-x', line: 1, output: false }],
      problems: [],
    });
  });

  it('reads a page as the build does: a tag in a code block, inline code or a comment is not a tag', () => {
    const mdx = ['```mdx', '<Snippet file="a.ts" region="x" />', '```', '', 'Write `<Snippet file="b.ts" region="y" />`.', '', '{/* <Snippet file="c.ts" region="z" /> */}', ''].join('\n');
    expect(pageSnippets(mdx)).toEqual({ refs: [], problems: [] });
  });

  it('reports a tag inside a sentence, which the build would not expand', () => {
    expect(pageSnippets('See <Snippet file="a.ts" region="x" /> here.\n').problems).toEqual([
      { line: 1, message: '<Snippet> must stand on a line of its own, with a blank line before and after (CONTRIBUTING.md#snippets)' },
    ]);
  });

  it('reports a page the MDX parser rejects, at the line it names', () => {
    expect(pageSnippets('---\nid: 4\n---\n\nA { brace\n').problems).toEqual([
      {
        line: 5,
        message: expect.stringMatching(/^is not valid MDX: .*brace.*\. In prose, put \{, \} and < inside backticks \(CONTRIBUTING.md#the-body\)$/),
      },
    ]);
  });
});

describe('snippetRef', () => {
  const tag = (attributes: Record<string, string | null>): JsxElement => ({
    type: 'mdxJsxFlowElement',
    name: 'Snippet',
    position: { start: { line: 9, column: 1 }, end: { line: 9, column: 40 } },
    attributes: Object.entries(attributes).map(([name, value]) => ({ type: 'mdxJsxAttribute', name, value })),
    children: [],
  });

  it('reads file, region, line and the bare output flag of one element', () => {
    expect(snippetRef(tag({ file: 'http/a.ts', region: 'one', output: null }))).toEqual({ file: 'http/a.ts', region: 'one', line: 9, output: true });
  });

  it('says what to write when the region is missing', () => {
    expect(() => snippetRef(tag({ file: 'http/a.ts' }))).toThrow(/needs file="concern\/module.ts" \(under snippets\/\) and region="name"/);
  });
});

describe('testPathsFor', () => {
  it('puts a TypeScript test beside its module', () => {
    expect(testPathsFor('snippets/http/etag.ts')).toEqual(['snippets/http/etag.test.ts']);
  });

  it('looks for a pytest file in tests/ folders up to snippets/, then beside the module', () => {
    expect(testPathsFor('snippets/python/notes_api/routers/notes.py')).toEqual([
      'snippets/python/notes_api/routers/tests/test_notes.py',
      'snippets/python/notes_api/tests/test_notes.py',
      'snippets/python/tests/test_notes.py',
      'snippets/python/notes_api/routers/notes_test.py',
    ]);
  });

  it('knows no test for another kind of file', () => {
    expect(testPathsFor('snippets/data/x.sql')).toEqual([]);
  });
});

describe('snippetLanguage', () => {
  it('highlights .py as python and the rest as ts', () => {
    expect(snippetLanguage('snippets/python/notes_api/main.py')).toBe('python');
    expect(snippetLanguage('snippets/http/etag.ts')).toBe('ts');
  });
});
