/**
 * The thread that draws share cards for social-render.ts: satori's layout
 * and the PNG writer's pixel loop are ~13 ms of JavaScript a card, which
 * here run beside the build's thread, on the core its page rendering
 * leaves idle, instead of on it. It answers each request with the card's
 * PNG bytes, or with the error drawing it threw.
 */
import { parentPort } from 'node:worker_threads';
import type { CardContent } from './social-card.ts';
import { renderCardPng } from './social-render.ts';

/** What social-render.ts sends: one card to draw. */
export interface CardRequest {
  id: number;
  content: CardContent;
  root: string;
}

/** What this thread sends back for request `id`. */
export type CardReply = { id: number; png: Uint8Array } | { id: number; error: string };

parentPort!.on('message', async ({ id, content, root }: CardRequest) => {
  let reply: CardReply;
  try {
    reply = { id, png: new Uint8Array(await renderCardPng(content, root)) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
