/**
 * A webhook endpoint that verifies before it trusts, hands the event to a
 * queue and answers at once: senders time out and retry slow endpoints, so
 * the real work happens later, in a worker whose handler is idempotent.
 *
 * It answers 2xx only for an event that is durably stored, by this copy or
 * an earlier one. A copy that arrives while an earlier one is still being
 * queued gets 409: if that hand-off then fails, its id is released and the
 * sender's next retry is accepted, so no event is acknowledged and lost.
 * @see https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { MemoryReplayCache, type ReplayCache } from './replay-cache.ts';
import {
  secretKeys, signWebhook, verifyWebhook, type VerifyFailure,
} from './webhook-signature.ts';

const billingEvent = z.object({
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});
export type BillingEvent = z.infer<typeof billingEvent>;

export interface ReceiverOptions {
  /** Current secret first; the previous one too while rotating. */
  secrets: readonly string[];
  replayCache: ReplayCache;
  /** Current Unix time in seconds. */
  now: () => number;
  /**
   * Durable hand-off (a queue or an inbox table): resolves once the event is
   * stored, rejects when it was not.
   */
  enqueue: (id: string, event: BillingEvent) => Promise<void>;
  /** Where rejection reasons go: our logs, never the response. */
  onReject?: (reason: VerifyFailure) => void;
}

const MAX_BODY_BYTES = 256 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: true });

function parseEvent(raw: Uint8Array): BillingEvent | undefined {
  try {
    return billingEvent.parse(JSON.parse(decoder.decode(raw)));
  } catch {
    return undefined;
  }
}

// #region receiver
// Any non-2xx is a failed delivery, which the sender retries; Standard
// Webhooks asks senders to heed Retry-After when they schedule it.
const RETRY_LATER = { 'Retry-After': '5' };

export function createWebhookApp(opts: ReceiverOptions): Hono {
  const { secrets, replayCache, now, enqueue, onReject } = opts;
  secretKeys(secrets); // bad configuration fails at startup, not per request
  const app = new Hono();
  app.post('/webhooks/billing',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.body(null, 413) }),
    async (c) => {
      const rawBody = new Uint8Array(await c.req.arrayBuffer());
      const result = verifyWebhook({ headers: c.req.raw.headers, rawBody,
        secrets, now });
      if (!result.ok) {
        onReject?.(result.reason);
        const unreadable = result.reason === 'missing-header'
          || result.reason === 'malformed';
        return c.body(null, unreadable ? 400 : 403);
      }
      const event = parseEvent(rawBody); // JSON only after verification
      if (!event) return c.body(null, 400);

      const seen = await replayCache.claim(result.id, result.freshUntil);
      // Stored by an earlier copy: acknowledge, so the sender stops.
      if (seen === 'done') return c.body(null, 200);
      // An earlier copy is still being stored and may yet fail: no 2xx.
      if (seen === 'in-flight') return c.body(null, 409, RETRY_LATER);
      try {
        await enqueue(result.id, event);
      } catch {
        await replayCache.release(result.id); // let the sender's retry in
        return c.body(null, 503, RETRY_LATER);
      }
      await replayCache.complete(result.id); // only now is it a duplicate
      return c.body(null, 202);
    });
  return app;
}
// #endregion receiver

if (import.meta.main) {
  const secret = 'whsec_' + Buffer.from('demo key: 32 bytes of secret!!!!')
    .toString('base64');
  let clock = 1_750_000_000;
  const queued: string[] = [];
  // The queue: down, or slow (each hand-off waits for `release`), or fine.
  let mode: 'down' | 'slow' | 'up' = 'up';
  let release = () => {};
  let entered = () => {};
  const app = createWebhookApp({
    secrets: [secret], now: () => clock,
    replayCache: new MemoryReplayCache({ now: () => clock }),
    enqueue: async (id) => {
      if (mode === 'down') throw new Error('queue unavailable');
      if (mode === 'slow') {
        await new Promise<void>((resolve) => { release = resolve; entered(); });
      }
      queued.push(id);
    },
  });
  const body = '{"type":"invoice.paid","data":{"invoice":"in_42"}}';
  const post = async (label: string, id: string | null, sent = body) => {
    const headers = id === null ? undefined : {
      'webhook-id': id, 'webhook-timestamp': String(clock),
      'webhook-signature': signWebhook({ id, timestamp: clock, body, secret }),
    };
    const res = await app.request('/webhooks/billing',
      { method: 'POST', headers, body: sent });
    console.log(`${label.padEnd(30)} -> ${res.status}`);
  };
  await post('valid delivery', 'msg_1');
  await post('same delivery again', 'msg_1');
  await post('tampered body', 'msg_2', body.replace('42', '43'));
  await post('no signature headers', null);

  mode = 'slow';
  const reached = new Promise<void>((resolve) => { entered = resolve; });
  const first = post('first copy, once queued', 'msg_3');
  await reached; // its hand-off is under way
  clock += 10;
  await post('copy while the first is queued', 'msg_3');
  release();
  await first;

  mode = 'down';
  await post('queue down', 'msg_4');
  mode = 'up';
  clock += 60;
  await post('retry once it is back', 'msg_4');
  console.log(`queued: ${queued.join(', ')}`);
}
