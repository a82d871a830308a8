/**
 * The thread social-render.ts draws share cards in: satori's layout and the
 * PNG writer's pixel loop are ~13 ms of JavaScript a card, which here run
 * beside the build's thread instead of on it, while it renders pages.
 */
import { serveJobs } from '../tooling/job-thread.ts';
import type { CardContent } from './social-card.ts';
import { renderCardPng } from './social-render.ts';

/** One card to draw, for the repository at `root`. */
export interface CardJob {
  content: CardContent;
  root: string;
}

serveJobs(async ({ content, root }: CardJob) => new Uint8Array(await renderCardPng(content, root)));
