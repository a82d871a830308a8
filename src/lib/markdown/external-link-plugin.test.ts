import { markdownToHtml } from 'satteri';
import { describe, expect, it } from 'vitest';
import { externalLinkPlugin, isExternal } from './external-link-plugin.ts';

describe('externalLinkPlugin', () => {
  it('marks links that leave the site and leaves internal ones alone', () => {
    const { html } = markdownToHtml('[RFC 9110](https://www.rfc-editor.org/rfc/rfc9110) and [Q4](/handbook/questions/http-200-ok/) and [top](#in-code)', {
      hastPlugins: [externalLinkPlugin()],
    });
    expect(html).toContain('<a href="https://www.rfc-editor.org/rfc/rfc9110" rel="noopener noreferrer">RFC 9110</a>');
    expect(html).toContain('<a href="/handbook/questions/http-200-ok/">Q4</a>');
    expect(html).toContain('<a href="#in-code">top</a>');
  });

  it('treats only absolute http(s) URLs as external', () => {
    expect(isExternal('HTTPS://example.com')).toBe(true);
    expect(isExternal('mailto:a@example.com')).toBe(false);
    expect(isExternal(undefined)).toBe(false);
  });
});
