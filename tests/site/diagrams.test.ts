// Each answer with a ```mermaid block ships its diagram as inline SVG with a
// title and a text description, and no colour outside the site's variables.
import { describe, expect, it } from 'vitest';
import { builtPages, idsIn } from './dist.ts';

const DIAGRAM_PAGES = ['idempotent-post-endpoint', 'idempotency-across-retries', 'webhook-security'];
const pages = builtPages();

describe.each(DIAGRAM_PAGES)('the diagram on questions/%s/', (slug) => {
  const html = pages.find((p) => p.file === `questions/${slug}/index.html`)?.html ?? '';
  const svg = /<svg [^>]*role="img"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';

  it('is an inline <svg role="img"> with a title', () => {
    expect(svg, `no <svg role="img"> in questions/${slug}/`).not.toBe('');
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(svg)?.[1];
    expect(svg).toMatch(new RegExp(`<title id="${labelledBy}">[^<]{10,}</title>`));
  });

  it('points at a text description on the page', () => {
    const describedBy = /aria-describedby="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(idsIn(html).has(describedBy), `#${describedBy} missing`).toBe(true);
    const description = new RegExp(`<div id="${describedBy}">([\\s\\S]*?)</div>`).exec(html)?.[1] ?? '';
    expect(description.replace(/<[^>]+>/g, '').length).toBeGreaterThan(100);
    expect(html).toContain('<summary>Text description</summary>');
  });

  it('paints only with the site\'s colour variables', () => {
    const paints = [...svg.matchAll(/\s(?:fill|stroke)="([^"]*)"/g)].map((m) => m[1]!);
    expect(paints.filter((p) => p !== 'none' && !/^var\(--[\w-]+\)$/.test(p))).toEqual([]);
  });
});
