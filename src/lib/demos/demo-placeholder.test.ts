import { describe, expect, it } from 'vitest';
import { demoPlaceholder, fillDemoOutputs, outputLinesHtml } from './demo-placeholder.ts';

/** A `text` code block as Shiki and Astro render it, holding `lines` (already HTML). */
const block = (lines: string) =>
  `<pre class="astro-code astro-code-themes github-light-default github-dark-default" tabindex="0" data-language="text"><code>${lines}</code></pre>`;
const placeholderLine = (path: string) => `<span class="line"><span>${demoPlaceholder(path)}</span></span>`;

describe('demoPlaceholder', () => {
  it('names the demo', () => {
    expect(demoPlaceholder('snippets/http/status.ts')).toBe('@@demo-output snippets/http/status.ts@@');
  });

  it('refuses a path that HTML would escape or that would end it early', () => {
    expect(() => demoPlaceholder('snippets/a&b.ts')).toThrow('demo placeholder: "snippets/a&b.ts" is not a path it can name');
    expect(() => demoPlaceholder('snippets/a@b.ts')).toThrow(/is not a path it can name/);
  });
});

describe('outputLinesHtml', () => {
  it('renders each line as Shiki does, escaped as Astro escapes text', () => {
    // Taken from a built page (Q27's configuration demo) and Q2's endpoint demo.
    expect(outputLinesHtml('log.level  "debug"\n\nPOST /orders -> 201 <a & b> it\'s')).toBe(
      [
        '<span class="line"><span>log.level  &quot;debug&quot;</span></span>',
        '<span class="line"><span></span></span>',
        '<span class="line"><span>POST /orders -&gt; 201 &lt;a &amp; b&gt; it&#39;s</span></span>',
      ].join('\n'),
    );
  });

  it('splits on CRLF as on LF, as Shiki does', () => {
    expect(outputLinesHtml('a\r\nb')).toBe('<span class="line"><span>a</span></span>\n<span class="line"><span>b</span></span>');
  });
});

describe('fillDemoOutputs', () => {
  const outputs = new Map([['snippets/a.ts', 'one <1>\ntwo']]);

  it('replaces a placeholder code block with the output, and says which', () => {
    const page = `<figure>${block(placeholderLine('snippets/a.ts'))}</figure>`;
    expect(fillDemoOutputs(page, outputs)).toEqual({
      html: `<figure>${block('<span class="line"><span>one &lt;1&gt;</span></span>\n<span class="line"><span>two</span></span>')}</figure>`,
      filled: ['snippets/a.ts'],
      missing: [],
      stray: [],
    });
  });

  it('fills every placeholder of a page, the same demo twice included', () => {
    const page = block(placeholderLine('snippets/a.ts')) + block(placeholderLine('snippets/a.ts'));
    expect(fillDemoOutputs(page, outputs).filled).toEqual(['snippets/a.ts', 'snippets/a.ts']);
  });

  it('reports a placeholder with no output and leaves it', () => {
    const page = block(placeholderLine('snippets/gone.ts'));
    expect(fillDemoOutputs(page, outputs)).toEqual({ html: page, filled: [], missing: ['snippets/gone.ts'], stray: [] });
  });

  it('leaves placeholder-like text that is not a whole code block alone', () => {
    const page = [
      '<p>Write @@demo-output snippets/b.ts@@ to stand in for output.</p>',
      '<p><code>@@demo-output snippets/b.ts@@</code></p>',
      block(`<span class="line"><span>before</span></span>\n${placeholderLine('snippets/b.ts')}`),
    ].join('');
    expect(fillDemoOutputs(page, outputs)).toEqual({ html: page, filled: [], missing: [], stray: [] });
  });

  it('reports a demo whose placeholder is on the page in a form it does not fill', () => {
    const page = `<p><code>${demoPlaceholder('snippets/a.ts')}</code></p>`;
    expect(fillDemoOutputs(page, outputs)).toEqual({ html: page, filled: [], missing: [], stray: ['snippets/a.ts'] });
  });

  it('does not fill a placeholder that an output prints', () => {
    const printed = new Map([
      ['snippets/a.ts', `<code><span class="line"><span>${demoPlaceholder('snippets/b.ts')}</span></span></code>`],
      ['snippets/b.ts', 'b'],
    ]);
    const filled = fillDemoOutputs(block(placeholderLine('snippets/a.ts')), printed);
    expect(filled.filled).toEqual(['snippets/a.ts']);
    expect(filled.html).toContain('@@demo-output snippets/b.ts@@');
  });
});
