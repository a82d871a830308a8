import GithubSlugger from 'github-slugger';
import type { Element, ElementContent } from 'hast';
import type { HastVisitorContext } from 'satteri';

/**
 * Gives every heading in an answer an id, and every h2 and h3 a link to
 * itself: `<div class="heading"><h2 id="x">…</h2><a class="anchor" href="#x">…</a></div>`.
 * The link sits beside the heading, not inside it, so the heading's text (and
 * the table of contents built from it) stays clean. Ids use GitHub's slugs,
 * as Astro's own heading-ids step does, which keeps an id we set.
 */
export const ANCHORED = ['h2', 'h3'];
const HEADINGS = ['h2', 'h3', 'h4', 'h5', 'h6'];

/** The anchor after a heading: a visible "#" and a name for screen readers. */
export function anchorFor(id: string, text: string): Element {
  const children: ElementContent[] = [
    { type: 'element', tagName: 'span', properties: { ariaHidden: 'true' }, children: [{ type: 'text', value: '#' }] },
    { type: 'element', tagName: 'span', properties: { className: ['visually-hidden'] }, children: [{ type: 'text', value: `Link to section: ${text}` }] },
  ];
  return { type: 'element', tagName: 'a', properties: { className: ['anchor'], href: `#${id}`, dataPagefindIgnore: '' }, children };
}

/** A Sätteri hast plugin factory: one slugger per document, so repeated headings get -1, -2. */
export function headingAnchorPlugin() {
  return () => {
    const slugger = new GithubSlugger();
    return {
      name: 'handbook-heading-anchors',
      element: {
        filter: HEADINGS,
        visit(node: Readonly<Element>, ctx: HastVisitorContext) {
          const text = ctx.textContent(node).trim();
          const existing = node.properties?.id;
          const id = typeof existing === 'string' ? existing : slugger.slug(text);
          if (typeof existing !== 'string') ctx.setProperty(node, 'id', id);
          if (!ANCHORED.includes(node.tagName)) return;
          ctx.wrapNode(node, { type: 'element', tagName: 'div', properties: { className: ['heading'] }, children: [anchorFor(id, text)] });
        },
      },
    };
  };
}
