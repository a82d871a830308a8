// The share card of each answered question, /og/<id>.png, rendered at build
// time (src/lib/share/social-render.ts). Named by id so a slug change keeps it.
import type { APIRoute, GetStaticPaths } from 'astro';
import { type Answer, answers } from '../../data/answers.ts';
import { bandFor } from '../../lib/content/difficulty.ts';
import { siteConfig } from '../../lib/site/site-config.ts';
import { TOPIC_INFO } from '../../lib/content/topics.ts';
import { cachedCardPng } from '../../lib/share/social-render.ts';

export const getStaticPaths = (async () =>
  (await answers()).map((answer) => ({ params: { id: String(answer.data.id) }, props: { answer } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { id, title, difficulty, topics } = (props as { answer: Answer }).answer.data;
  const png = await cachedCardPng(
    { siteName: siteConfig().title, title, question: { id, difficulty, label: bandFor(difficulty).label, topics: topics.map((t) => TOPIC_INFO[t].label) } },
    process.cwd(),
  );
  return new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png' } });
};
