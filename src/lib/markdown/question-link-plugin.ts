import { questionPath, withBase } from '../site/links.ts';
import type { Link } from 'mdast';
import { location, type VisitorContext } from './mdast.ts';

/**
 * Lets an answer link another by number, `[Q59](q:59)`, so links survive slug
 * changes and a sub-path base. Every question has its page, so a link to one
 * without a page (its file renamed away or deleted) fails the build.
 */
export interface QuestionLinkOptions {
  root: string;
  base: string;
  /** Slugs of answered questions by id. */
  slugs: ReadonlyMap<number, string>;
}

const Q_LINK = /^q:(.*)$/;

/** A Sätteri mdast plugin (Astro's Markdown processor). */
export function questionLinkPlugin({ root, base, slugs }: QuestionLinkOptions) {
  return {
    name: 'handbook-question-links',
    options: { position: true },
    link(node: Readonly<Link>, ctx: VisitorContext) {
      const match = Q_LINK.exec(node.url);
      if (!match) return;
      const where = location(root, ctx.fileURL, node);
      const id = Number(match[1]);
      if (!/^\d+$/.test(match[1]!) || id < 1 || id > 100) {
        throw new Error(`${where}: link "q:${match[1]}" must name a question id from 1 to 100, like [Q59](q:59)`);
      }
      const slug = slugs.get(id);
      if (!slug) {
        throw new Error(
          `${where}: link "q:${id}" points at Q${id}, which has no page: ` +
            `restore content/questions/${String(id).padStart(3, '0')}-<slug>.mdx or link another answer`,
        );
      }
      ctx.setProperty(node, 'url', withBase(questionPath(slug), base));
    },
  };
}
