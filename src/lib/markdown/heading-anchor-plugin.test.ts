import { markdownToHtml } from 'satteri';
import { describe, expect, it } from 'vitest';
import { headingAnchorPlugin } from './heading-anchor-plugin.ts';

function render(markdown: string): string {
  return markdownToHtml(markdown, { hastPlugins: [headingAnchorPlugin()] }).html;
}

describe('headingAnchorPlugin', () => {
  it('puts a self-link beside every h2 and h3, keeping the heading text clean', () => {
    const html = render('## In code\n\nText.\n\n### The `verify` step\n');
    expect(html).toContain(
      '<div class="heading"><h2 id="in-code">In code</h2><a class="anchor" href="#in-code" data-pagefind-ignore=""><span aria-hidden="true">#</span><span class="visually-hidden">Link to section: In code</span></a></div>',
    );
    expect(html).toContain('<h3 id="the-verify-step">The <code>verify</code> step</h3><a class="anchor" href="#the-verify-step" data-pagefind-ignore="">');
  });

  it('numbers repeated headings the way GitHub does, per document', () => {
    const html = render('## Pitfalls\n\n## Pitfalls\n');
    expect(html).toContain('id="pitfalls"');
    expect(html).toContain('id="pitfalls-1"');
    expect(render('## Pitfalls\n')).toContain('id="pitfalls"');
  });

  it('gives deeper headings ids but no anchor', () => {
    const html = render('#### Aside\n');
    expect(html.trim()).toBe('<h4 id="aside">Aside</h4>');
  });
});
