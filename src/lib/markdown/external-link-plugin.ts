import type { Element } from 'hast';
import type { HastVisitorContext } from 'satteri';

/** rel for links that leave the site: no window.opener, no Referer. */
export const EXTERNAL_REL = ['noopener', 'noreferrer'];

export function isExternal(href: unknown): boolean {
  return typeof href === 'string' && /^https?:\/\//i.test(href);
}

/** A Sätteri hast plugin: every absolute http(s) link in an answer gets rel="noopener noreferrer". */
export function externalLinkPlugin() {
  return {
    name: 'handbook-external-links',
    element: {
      filter: ['a'],
      visit(node: Readonly<Element>, ctx: HastVisitorContext) {
        if (isExternal(node.properties?.href)) ctx.setProperty(node, 'rel', EXTERNAL_REL);
      },
    },
  };
}
