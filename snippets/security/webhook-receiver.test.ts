import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryReplayCache } from './replay-cache.ts';
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

function app(secrets: string[] = [SECRET]) {
  return createWebhookApp({
    secrets,
    now: () => clock,
    replayCache: new MemoryReplayCache({ now: () => clock }),
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
    expect(rejected).toEqual(['replayed']);
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

  it('answers 400 for a signed body that is not a billing event, and forgets its id', async () => {
    const target = app();
    const broken = '{"type":""}';
    expect((await post(target, { headers: headers('msg_1', broken), body: broken })).status).toBe(400);
    expect((await post(target, { headers: headers('msg_1', BODY), body: BODY })).status).toBe(202);
  });

  it('answers 503 when the queue is down and accepts the retry of the same event', async () => {
    const target = app();
    failEnqueue = true;
    expect((await post(target, { headers: headers(), body: BODY })).status).toBe(503);
    failEnqueue = false;
    clock += 5; // a retry carries the same id with a new timestamp and signature
    expect((await post(target, { headers: headers(), body: BODY })).status).toBe(202);
    expect(queued.map((q) => q.id)).toEqual(['msg_1']);
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
