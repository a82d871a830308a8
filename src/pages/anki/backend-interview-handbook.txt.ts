// The Anki deck of every answered question, built from the same MDX
// frontmatter as the pages (format: src/lib/share/anki.ts; import: README.md).
import type { APIRoute } from 'astro';
import { answers, slugOf, url } from '../../data/answers.ts';
import { ankiDeck } from '../../lib/share/anki.ts';
import { questionPath } from '../../lib/site/links.ts';
import { siteConfig } from '../../lib/site/site-config.ts';

export const GET: APIRoute = async ({ site }) => {
  const cards = (await answers()).map((answer) => ({
    ...answer.data,
    url: new URL(url(questionPath(slugOf(answer))), site).href,
  }));
  return new Response(ankiDeck(cards, siteConfig().title), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
