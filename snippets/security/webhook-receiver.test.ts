import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryReplayCache, type ReplayCache } from './replay-cache.ts';
import { createWebhookApp, type BillingEvent } from './webhook-receiver.ts';
import { signWebhook, type VerifyFailure } from './webhook-signature.ts';

const NOW = 1_750_000_000;
const SECRET = 'whsec_' + Buffer.alloc(32, 0x11).toString('base64');
const NEXT_SECRET = 'whsec_' + Buffer.alloc(32, 0x22).toString('base64');
const EVENT = { type: 'invoice.paid', data: { invoice: 'in_42' } };
const BODY = JSON.stringify(EVENT);

let clock: number;
let queued: { id: string; event: BillingEvent }[];
let rejected: VerifyFailure[];
let failEnqueue: boolean;

beforeEach(() => {
  clock = NOW;
  queued = [];
  rejected = [];
  failEnqueue = false;
});

function app(secrets: string[] = [SECRET],
  replayCache: ReplayCache = new MemoryReplayCache({ now: () => clock })) {
  return createWebhookApp({
    secrets,
    now: () => clock,
    replayCache,
    enqueue: async (id, event) => {
      if (failEnqueue) throw new Error('queue unavailable');
      queued.push({ id, event });
    },
    onReject: (reason) => rejected.push(reason),
  });
}

function headers(id = 'msg_1', body = BODY, signWith = [SECRET], timestamp = clock) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWith
      .map((secret) => signWebhook({ id, timestamp, body, secret })).join(' '),
  };
}

function post(target: ReturnType<typeof app>, init: { headers?: Record<string, string>; body?: string }) {
  return target.request('/webhooks/billing', { method: 'POST', ...init });
}

describe('POST /webhooks/billing', () => {
  it('answers 202 and queues the parsed event once the signature checks out', async () => {
    const res = await post(app(), { headers: headers(), body: BODY });
    expect(res.status).toBe(202);
    expect(queued).toEqual([{ id: 'msg_1', event: EVENT }]);
  });

  it('acknowledges a repeated delivery with 200 without queuing it again', async () => {
    const target = app();
    const h = headers();
    expect((await post(target, { headers: h, body: BODY })).status).toBe(202);
    const again = await post(target, { headers: h, body: BODY });
    expect(again.status).toBe(200);
    expect(queued).toHaveLength(1);
    expect(rejected).toEqual([]);
  });

  it('answers 403 with an empty body for a tampered delivery and logs why', async () => {
    const res = await post(app(), { headers: headers(), body: BODY.replace('42', '43') });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('');
    expect(queued).toEqual([]);
    expect(rejected).toEqual(['bad-signature']);
  });

  it('gives stale, future and forged deliveries the same bare 403', async () => {
    const target = app();
    const responses = await Promise.all([
      post(target, { headers: headers('msg_old', BODY, [SECRET], NOW - 301), body: BODY }),
      post(target, { headers: headers('msg_new', BODY, [SECRET], NOW + 301), body: BODY }),
      post(target, { headers: headers('msg_x', BODY, [NEXT_SECRET]), body: BODY }),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('');
    }
    expect(rejected.sort()).toEqual(['bad-signature', 'future', 'stale']);
  });

  it('answers 400 when the signature headers are missing or malformed', async () => {
    const target = app();
    expect((await post(target, { body: BODY })).status).toBe(400);
    const bad = { ...headers(), 'webhook-timestamp': 'yesterday' };
    expect((await post(target, { headers: bad, body: BODY })).status).toBe(400);
    expect(rejected).toEqual(['missing-header', 'malformed']);
  });

  it('verifies before parsing: unsigned garbage is a 403, not a JSON error', async () => {
    const res = await post(app(), { headers: headers(), body: '{not json' });
    expect(res.status).toBe(403);
  });

  it('answers 400 for a signed body that is not a billing event, and records nothing', async () => {
    const target = app();
    const broken = '{"type":""}';
    expect((await post(target, { headers: headers('msg_1', broken), body: broken })).status).toBe(400);
    expect((await post(target, { headers: headers('msg_1', BODY), body: BODY })).status).toBe(202);
  });

  it('answers 503 when the queue is down and accepts the retry of the same event', async () => {
    const target = app();
    failEnqueue = true;
    const down = await post(target, { headers: headers(), body: BODY });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    failEnqueue = false;
    clock += 5; // a retry carries the same id with a new timestamp and signature
    expect((await post(target, { headers: headers(), body: BODY })).status).toBe(202);
    expect(queued.map((q) => q.id)).toEqual(['msg_1']);
  });

  it('refuses a copy for as long as its timestamp could pass; then the window does', async () => {
    const target = app();
    const h = headers();
    expect((await post(target, { headers: h, body: BODY })).status).toBe(202);
    clock = NOW + 300;
    expect((await post(target, { headers: h, body: BODY })).status).toBe(200);
    clock = NOW + 301;
    expect((await post(target, { headers: h, body: BODY })).status).toBe(403);
    expect(rejected).toEqual(['stale']);
    expect(queued).toHaveLength(1);
  });

  it('refuses a captured retry for as long as that retry could pass', async () => {
    const target = app();
    expect((await post(target, { headers: headers(), body: BODY })).status).toBe(202);
    clock = NOW + 200; // the 202 was lost; the sender retries, newly signed
    const retry = headers();
    expect((await post(target, { headers: retry, body: BODY })).status).toBe(200);
    clock = NOW + 400; // the first copy is stale, the retry is not: replay it
    expect((await post(target, { headers: retry, body: BODY })).status).toBe(200);
    expect(queued).toHaveLength(1);
  });

  it('remembers a future-dated delivery until its own timestamp goes stale', async () => {
    const target = app();
    const h = headers('msg_1', BODY, [SECRET], NOW + 300);
    expect((await post(target, { headers: h, body: BODY })).status).toBe(202);
    clock = NOW + 600;
    expect((await post(target, { headers: h, body: BODY })).status).toBe(200);
    expect(queued).toHaveLength(1);
  });

  it('claims nothing for a forged, stale, malformed or unparsable delivery', async () => {
    const spy: ReplayCache = {
      claim: vi.fn(() => 'new' as const), complete: vi.fn(), release: vi.fn(),
    };
    const target = app([SECRET], spy);
    const forged = { ...headers(), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` };
    const broken = '{"type":""}';
    for (const [h, body] of [
      [forged, BODY],
      [headers('msg_1', BODY, [SECRET], NOW - 999), BODY],
      [{ ...headers(), 'webhook-timestamp': 'soon' }, BODY],
      [headers('msg_1', broken), broken],
    ] as const) {
      expect((await post(target, { headers: h, body })).status).toBeGreaterThanOrEqual(400);
    }
    expect(spy.claim).not.toHaveBeenCalled();
    // so junk with a guessed id cannot block the real delivery
    const real = app();
    expect((await post(real, { headers: forged, body: BODY })).status).toBe(403);
    expect((await post(real, { headers: headers(), body: BODY })).status).toBe(202);
  });

  it('refuses bodies over the size limit before verifying anything', async () => {
    const big = JSON.stringify({ type: 'x', data: { pad: 'x'.repeat(300 * 1024) } });
    const res = await post(app(), { headers: headers('msg_1', big), body: big });
    expect(res.status).toBe(413);
    expect(queued).toEqual([]);
    expect(rejected).toEqual([]);
  });

  it('refuses to start with no secret or one that is too short', () => {
    expect(() => app(['too short'])).toThrow(RangeError);
    expect(() => app([])).toThrow(RangeError);
  });

  it('survives a secret rotation without dropping deliveries', async () => {
    const during = app([NEXT_SECRET, SECRET]);
    const both = headers('msg_a', BODY, [NEXT_SECRET, SECRET]);
    expect((await post(during, { headers: both, body: BODY })).status).toBe(202);
    const oldOnly = headers('msg_b', BODY, [SECRET]);
    expect((await post(during, { headers: oldOnly, body: BODY })).status).toBe(202);

    const after = app([NEXT_SECRET]);
    expect((await post(after, { headers: headers('msg_c', BODY, [SECRET]), body: BODY })).status)
      .toBe(403);
    expect((await post(after, { headers: headers('msg_d', BODY, [NEXT_SECRET]), body: BODY })).status)
      .toBe(202);
  });
});

/** A promise the test settles by hand, to interleave requests without sleeps. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/**
 * A queue whose hand-offs wait until the test settles them, while `holding`
 * is true; after that, hand-offs succeed at once. `stored` holds the ids
 * whose hand-off succeeded: what the workers will process.
 */
function slowQueue() {
  const held: ReturnType<typeof deferred<void>>[] = [];
  const stored: string[] = [];
  let called = deferred<void>();
  const queue = {
    holding: true,
    stored,
    async enqueue(id: string) {
      if (queue.holding) {
        const done = deferred<void>();
        held.push(done);
        called.resolve();
        await done.promise;
      }
      stored.push(id);
    },
    /** Resolves once the receiver has handed off its first event. */
    async reachedFirst() {
      while (held.length === 0) await called.promise;
      called = deferred<void>();
      queue.holding = false;
      return held[0]!;
    },
  };
  return queue;
}

describe('a copy that arrives while the first hand-off is still running', () => {
  function appWith(enqueue: (id: string, event: BillingEvent) => Promise<void>) {
    return createWebhookApp({
      secrets: [SECRET], now: () => clock,
      replayCache: new MemoryReplayCache({ now: () => clock }),
      enqueue, onReject: (reason) => rejected.push(reason),
    });
  }
  const attempt = (target: ReturnType<typeof appWith>) =>
    post(target, { headers: headers('msg_1', BODY, [SECRET], clock), body: BODY });

  it('is not acknowledged, so a hand-off that then fails is retried and delivered', async () => {
    const queue = slowQueue();
    const target = appWith(queue.enqueue);
    const first = attempt(target);
    const firstHandOff = await queue.reachedFirst();

    clock += 10; // the sender timed out on the first attempt and retries
    const copy = await attempt(target);
    // A 2xx here would end the sender's retries while the event may be lost.
    expect(copy.ok).toBe(false);
    expect(copy.status).toBe(409);
    expect(copy.headers.get('retry-after')).toMatch(/^\d+$/);

    firstHandOff.reject(new Error('queue unavailable'));
    expect((await first).status).toBe(503);
    expect(queue.stored).toEqual([]);

    clock += 60; // the sender's next retry
    expect((await attempt(target)).status).toBe(202);
    expect(queue.stored).toEqual(['msg_1']);
  });

  it('gets 2xx on its own retry once the first hand-off succeeded, stored once', async () => {
    const queue = slowQueue();
    const target = appWith(queue.enqueue);
    const first = attempt(target);
    const firstHandOff = await queue.reachedFirst();
    clock += 10;
    expect((await attempt(target)).status).toBe(409);

    firstHandOff.resolve();
    expect((await first).status).toBe(202);
    clock += 60;
    expect((await attempt(target)).status).toBe(200);
    expect(queue.stored).toEqual(['msg_1']);
  });

  it('refuses a replay of a copy it turned away with 409, once the event is stored', async () => {
    const queue = slowQueue();
    const target = appWith(queue.enqueue);
    const first = attempt(target);
    const firstHandOff = await queue.reachedFirst();
    clock += 10;
    const copy = headers('msg_1', BODY, [SECRET], clock);
    expect((await post(target, { headers: copy, body: BODY })).status).toBe(409);
    firstHandOff.resolve();
    expect((await first).status).toBe(202);

    clock = NOW + 305; // the first copy is stale; a captured copy of the second is not
    expect((await post(target, { headers: copy, body: BODY })).status).toBe(200);
    expect(queue.stored).toEqual(['msg_1']);
  });

  it('lets a retry in once a claim that never settles has lapsed', async () => {
    const queue = slowQueue();
    const target = appWith(queue.enqueue);
    void attempt(target); // its hand-off hangs for good: the process is wedged
    await queue.reachedFirst();
    // The sender retries every 60 s. Each refused copy is newer than the
    // claim, yet none may keep the id in flight: the claim lapses when its
    // own copy goes stale, and the next retry is stored.
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      clock = NOW + 60 * i;
      statuses.push((await attempt(target)).status);
    }
    expect(statuses).toEqual([409, 409, 409, 409, 409, 202]);
    expect(queue.stored).toEqual(['msg_1']);
  });

  it('answers 2xx to a copy after the event is stored, without storing it twice', async () => {
    const queue = slowQueue();
    const target = appWith(queue.enqueue);
    const first = attempt(target);
    (await queue.reachedFirst()).resolve();
    expect((await first).status).toBe(202);

    clock += 30;
    const copy = await attempt(target);
    expect(copy.status).toBe(200);
    expect(queue.stored).toEqual(['msg_1']);
  });
});
