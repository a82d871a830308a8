// The share card of every page that is not an answer: home, difficulty
// pages, 404.
import type { APIRoute } from 'astro';
import { siteConfig } from '../../lib/site/site-config.ts';
import { DEFAULT_CARD_TITLE } from '../../lib/share/social-meta.ts';
import { cachedCardPng } from '../../lib/share/social-render.ts';

export const GET: APIRoute = async () => {
  const png = await cachedCardPng({ siteName: siteConfig().title, title: DEFAULT_CARD_TITLE }, process.cwd());
  return new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png' } });
};
