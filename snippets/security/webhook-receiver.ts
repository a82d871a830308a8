/**
 * A webhook endpoint that verifies before it trusts, hands the event to a
 * queue and answers at once: senders time out and retry slow endpoints, so
 * the real work happens later, in a worker whose handler is idempotent.
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
  /** Durable hand-off (a queue or an inbox table); resolves once stored. */
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
export function createWebhookApp(opts: ReceiverOptions): Hono {
  const { secrets, replayCache, now, enqueue, onReject } = opts;
  secretKeys(secrets); // bad configuration fails at startup, not per request
  const app = new Hono();
  app.post('/webhooks/billing',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.body(null, 413) }),
    async (c) => {
      const rawBody = new Uint8Array(await c.req.arrayBuffer());
      const result = verifyWebhook({ headers: c.req.raw.headers, rawBody,
        secrets, now, replayCache });
      if (!result.ok) {
        onReject?.(result.reason);
        // Already accepted: acknowledge so the sender stops retrying.
        if (result.reason === 'replayed') return c.body(null, 200);
        const unreadable = result.reason === 'missing-header'
          || result.reason === 'malformed';
        return c.body(null, unreadable ? 400 : 403);
      }
      const event = parseEvent(rawBody); // JSON only after verification
      if (!event) {
        replayCache.delete(result.id);
        return c.body(null, 400);
      }
      try {
        await enqueue(result.id, event);
      } catch {
        replayCache.delete(result.id); // let the sender's retry through
        return c.body(null, 503);
      }
      return c.body(null, 202);
    });
  return app;
}
// #endregion receiver

if (import.meta.main) {
  const secret = 'whsec_' + Buffer.from('demo key: 32 bytes of secret!!!!')
    .toString('base64');
  const clock = 1_750_000_000;
  const queued: string[] = [];
  const app = createWebhookApp({
    secrets: [secret], now: () => clock,
    replayCache: new MemoryReplayCache({ now: () => clock }),
    enqueue: async (id) => { queued.push(id); },
  });
  const body = '{"type":"invoice.paid","data":{"invoice":"in_42"}}';
  const headers = {
    'webhook-id': 'msg_1', 'webhook-timestamp': String(clock),
    'webhook-signature': signWebhook({ id: 'msg_1', timestamp: clock,
      body, secret }),
  };
  const post = async (label: string, init: RequestInit) => {
    const res = await app.request('/webhooks/billing',
      { method: 'POST', ...init });
    console.log(`${label.padEnd(22)} -> ${res.status}`);
  };
  await post('valid delivery', { headers, body });
  await post('same delivery again', { headers, body });
  await post('tampered body', { headers, body: body.replace('42', '43') });
  await post('no signature headers', { body });
  console.log(`queued: ${queued.join(', ')}`);
}
