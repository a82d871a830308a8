import { describe, expect, it, vi } from 'vitest';
import type { Link } from 'mdast';
import type { VisitorContext } from './mdast.ts';
import { questionLinkPlugin } from './question-link-plugin.ts';

function link(url: string): Link {
  const at = { line: 7, column: 1 };
  return { type: 'link', url, position: { start: at, end: at }, children: [{ type: 'text', value: 'Q59' }] };
}

function context() {
  return {
    fileURL: new URL('file:///repo/content/questions/004-a.mdx'),
    replaceNode: vi.fn(),
    setProperty: vi.fn(),
  } satisfies VisitorContext;
}

const slugs = new Map([[59, 'idempotent-post']]);

describe('questionLinkPlugin', () => {
  it('resolves q:N to the answer page under the base', () => {
    const ctx = context();
    const node = link('q:59');
    questionLinkPlugin({ root: '/repo', base: '/handbook/', slugs }).link(node, ctx);
    expect(ctx.setProperty).toHaveBeenCalledWith(node, 'url', '/handbook/questions/idempotent-post/');
  });

  it('fails the build on a question with no page, naming the page, line and file to restore', () => {
    expect(() => questionLinkPlugin({ root: '/repo', base: '/', slugs }).link(link('q:60'), context())).toThrow(
      'content/questions/004-a.mdx:7: link "q:60" points at Q60, which has no page: restore content/questions/060-<slug>.mdx or link another answer',
    );
  });

  it.each(['q:0', 'q:101', 'q:abc', 'q:', 'q:4.5'])('fails the build on %j, naming the page and line', (url) => {
    expect(() => questionLinkPlugin({ root: '/repo', base: '/', slugs }).link(link(url), context())).toThrow(
      /^content\/questions\/004-a\.mdx:7: link "q:.*" must name a question id from 1 to 100/,
    );
  });

  it('leaves other links alone', () => {
    const ctx = context();
    questionLinkPlugin({ root: '/repo', base: '/', slugs }).link(link('https://www.rfc-editor.org/rfc/rfc9110'), ctx);
    expect(ctx.setProperty).not.toHaveBeenCalled();
    expect(ctx.replaceNode).not.toHaveBeenCalled();
  });
});
