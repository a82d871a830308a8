import { markdownToHtml } from 'satteri';
import { describe, expect, it } from 'vitest';
import { headingAnchorPlugin } from './heading-anchor-plugin.ts';

async function render(markdown: string): Promise<string> {
  const { html } = await markdownToHtml(markdown, { hastPlugins: [headingAnchorPlugin()] });
  return html;
}

describe('headingAnchorPlugin', () => {
  it('puts a self-link beside every h2 and h3, keeping the heading text clean', async () => {
    const html = await render('## In code\n\nText.\n\n### The `verify` step\n');
    expect(html).toContain(
      '<div class="heading"><h2 id="in-code">In code</h2><a class="anchor" href="#in-code" data-pagefind-ignore=""><span aria-hidden="true">#</span><span class="visually-hidden">Link to section: In code</span></a></div>',
    );
    expect(html).toContain('<h3 id="the-verify-step">The <code>verify</code> step</h3><a class="anchor" href="#the-verify-step" data-pagefind-ignore="">');
  });

  it('numbers repeated headings the way GitHub does, per document', async () => {
    const html = await render('## Pitfalls\n\n## Pitfalls\n');
    expect(html).toContain('id="pitfalls"');
    expect(html).toContain('id="pitfalls-1"');
    expect(await render('## Pitfalls\n')).toContain('id="pitfalls"');
  });

  it('gives deeper headings ids but no anchor', async () => {
    const html = await render('#### Aside\n');
    expect(html.trim()).toBe('<h4 id="aside">Aside</h4>');
  });
});
