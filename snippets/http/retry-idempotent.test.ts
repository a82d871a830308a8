import { describe, expect, it, vi } from 'vitest';
import {
  IDEMPOTENT_METHODS, isRetrySafe, RETRYABLE_STATUSES, retryAfterMs, withRetries,
  type RetryOptions, type Send,
} from './retry-idempotent.ts';
import { createCartApp } from './set-vs-increment.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

type Step = number | Error | 'hang' | ((req: Request) => Response);

/**
 * A fake transport that plays `script` in order and records what it was sent.
 * A 'hang' step never answers: like fetch, it rejects only when the request's
 * signal aborts.
 */
function scripted(...script: Step[]) {
  const seen: { method: string; key: string | null; body: string; abortedAtStart: boolean }[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const send: Send = async (request) => {
    const abortedAtStart = request.signal.aborted;
    seen.push({ method: request.method, key: request.headers.get('Idempotency-Key'), body: await request.text(), abortedAtStart });
    for (const w of waiting) if (seen.length >= w.n) w.resolve();
    // Like fetch: a request whose signal is already aborted is never sent.
    request.signal.throwIfAborted();
    const step = script[Math.min(seen.length, script.length) - 1]!;
    if (step === 'hang') {
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    }
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? step(request) : new Response(null, { status: step });
  };
  /** Resolves once `n` attempts have reached the transport. */
  const calls = (n: number) => new Promise<void>((resolve) => {
    if (seen.length >= n) resolve();
    else waiting.push({ n, resolve });
  });
  return { send, seen, calls };
}

/** Per-attempt timers that fire only when the test says so: no time passes. */
function fakeTimeouts() {
  const timers: { ms: number; controller: AbortController }[] = [];
  const timeout = (ms: number) => {
    const controller = new AbortController();
    timers.push({ ms, controller });
    return controller.signal;
  };
  const fire = (i: number) =>
    timers[i]!.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  return { timers, timeout, fire };
}

function client(send: Send, overrides: RetryOptions = {}) {
  const slept: number[] = [];
  const backoffs: number[] = [];
  const retrying = withRetries(send, {
    sleep: async (ms) => void slept.push(ms),
    backoff: (n) => (backoffs.push(n), 100 * n),
    now: () => NOW,
    timeout: () => new AbortController().signal, // never fires
    ...overrides,
  });
  return { retrying, slept, backoffs };
}

const req = (method: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  new Request('http://api.test/things/1', {
    method, headers, signal, body: ['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method) ? null : '{"x":1}',
  });

const networkError = () => new TypeError('fetch failed');

describe('which requests are safe to send twice', () => {
  it('treats exactly the RFC 9110 §9.2.2 methods as idempotent', () => {
    expect([...IDEMPOTENT_METHODS].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'TRACE']);
  });

  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])('%s is retry-safe', (method) => {
    expect(isRetrySafe(req(method))).toBe(true);
  });

  it.each(['POST', 'PATCH'])('%s is not, on its own', (method) => {
    expect(isRetrySafe(req(method))).toBe(false);
  });

  it.each(['POST', 'PATCH'])('%s with an Idempotency-Key is', (method) => {
    expect(isRetrySafe(req(method, { 'Idempotency-Key': '8e03978e-40d5-43e8-bc93-6894a57f9324' }))).toBe(true);
  });

  it('retries only "not now" statuses', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([408, 429, 502, 503, 504]);
  });
});

describe('retrying after a lost response', () => {
  it('retries a PUT after a network error and sends the full body every time', async () => {
    const { send, seen } = scripted(networkError(), 200);
    const { retrying, slept } = client(send);
    expect((await retrying(req('PUT'))).status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen.map((s) => s.body)).toEqual(['{"x":1}', '{"x":1}']);
    expect(slept).toEqual([100]);
  });

  it('never retries a POST: the error reaches the caller after one try', async () => {
    const { send, seen } = scripted(networkError(), 200);
    const { retrying, slept } = client(send);
    await expect(retrying(req('POST'))).rejects.toThrow('fetch failed');
    expect(seen).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('never retries a PATCH, not even on 503', async () => {
    const { send, seen } = scripted(503, 200);
    const { retrying } = client(send);
    expect((await retrying(req('PATCH'))).status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it('retries a POST that carries an Idempotency-Key, with the same key and body each time', async () => {
    const { send, seen } = scripted(networkError(), 503, 201);
    const { retrying } = client(send);
    const key = 'c0a8012e-7f3b-4d2a-9e1f-5b6c7d8e9f00';
    expect((await retrying(req('POST', { 'Idempotency-Key': key }))).status).toBe(201);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.key))).toEqual(new Set([key]));
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set(['{"x":1}']));
  });

  it('retries a 409 on a keyed request unchanged, after Retry-After: the first copy is still running', async () => {
    const key = 'c0a8012e-7f3b-4d2a-9e1f-5b6c7d8e9f00';
    const inFlight = () => new Response(null, { status: 409, headers: { 'Retry-After': '1' } });
    const { send, seen } = scripted(inFlight, 201);
    const { retrying, slept } = client(send);
    expect((await retrying(req('POST', { 'Idempotency-Key': key }))).status).toBe(201);
    const sent = { method: 'POST', key, body: '{"x":1}', abortedAtStart: false };
    expect(seen).toEqual([sent, sent]);
    expect(slept).toEqual([1000]);
  });

  it.each(['PUT', 'DELETE', 'POST'])('returns a 409 on an unkeyed %s at once: a conflict with state', async (method) => {
    const { send, seen } = scripted(409, 200);
    expect((await client(send).retrying(req(method))).status).toBe(409);
    expect(seen).toHaveLength(1);
  });

  it('retries a per-try timeout like a network error', async () => {
    const { send, seen } = scripted(new DOMException('timed out', 'TimeoutError'), 200);
    const { retrying } = client(send);
    expect((await retrying(req('GET'))).status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it.each([
    ['an abort by the caller', new DOMException('aborted', 'AbortError')],
    ['a programming error', new RangeError('bad')],
  ])('does not retry %s', async (_name, error) => {
    const { send, seen } = scripted(error, 200);
    const { retrying } = client(send);
    await expect(retrying(req('GET'))).rejects.toBe(error);
    expect(seen).toHaveLength(1);
  });

  it('throws at once on a body the caller already read: a bug, not a network error to retry', async () => {
    const { send, seen } = scripted(200);
    const { retrying, slept } = client(send);
    const request = req('PUT');
    await request.text();
    await expect(retrying(request)).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(0);
    expect(slept).toEqual([]);
  });

  it('retries a request whose body is a stream, sending all of it every time', async () => {
    const { send, seen } = scripted(networkError(), 200);
    const chunks = ['{"x"', ':1}'].map((s) => new TextEncoder().encode(s));
    const body = new ReadableStream({ pull(c) { const next = chunks.shift(); if (next) c.enqueue(next); else c.close(); } });
    const request = new Request('http://api.test/things/1', { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect((await client(send).retrying(request)).status).toBe(200);
    expect(seen.map((s) => s.body)).toEqual(['{"x":1}', '{"x":1}']);
  });

  it('leaves the caller\'s request unread, so it can be inspected or sent again', async () => {
    const { send } = scripted(networkError(), 200);
    const request = req('PUT');
    await client(send).retrying(request);
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe('{"x":1}');
  });
});

describe('bounded attempts', () => {
  it('stops after maxAttempts and returns the last answer', async () => {
    const { send, seen } = scripted(503);
    const { retrying, backoffs } = client(send);
    expect((await retrying(req('GET'))).status).toBe(503);
    expect(seen).toHaveLength(3);
    expect(backoffs).toEqual([1, 2]);
  });

  it('rethrows the last network error when every try fails', async () => {
    const { send, seen } = scripted(networkError());
    const { retrying } = client(send, { maxAttempts: 4 });
    await expect(retrying(req('DELETE'))).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(4);
  });

  it('maxAttempts: 1 turns retrying off', async () => {
    const { send, seen } = scripted(503, 200);
    expect((await client(send, { maxAttempts: 1 }).retrying(req('GET'))).status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it.each([0, 11, 2.5, Number.NaN])('rejects maxAttempts %s', (maxAttempts) => {
    expect(() => withRetries(scripted(200).send, { maxAttempts })).toThrow(RangeError);
  });

  it.each([400, 401, 404, 409, 412, 422, 500, 501])('returns %i at once: retrying will not change it', async (status) => {
    const { send, seen } = scripted(status, 200);
    expect((await client(send).retrying(req('GET'))).status).toBe(status);
    expect(seen).toHaveLength(1);
  });
});

describe('timeouts and the deadline', () => {
  it('gives every attempt its own timeout: a hung attempt is abandoned and the next one answers', async () => {
    const { send, seen, calls } = scripted('hang', 200);
    const t = fakeTimeouts();
    const { retrying, slept } = client(send, { attemptTimeoutMs: 5000, timeout: t.timeout });
    const result = retrying(req('GET'));
    await calls(1);
    expect(t.timers.map((x) => x.ms)).toEqual([5000]);
    t.fire(0); // the first attempt times out; the caller's signal did not
    expect((await result).status).toBe(200);
    expect(seen.map((x) => x.abortedAtStart)).toEqual([false, false]);
    expect(t.timers).toHaveLength(2);
    expect(slept).toEqual([100]);
  });

  it('rethrows the TimeoutError when every attempt hangs', async () => {
    const { send, seen, calls } = scripted('hang');
    const t = fakeTimeouts();
    const result = client(send, { timeout: t.timeout }).retrying(req('PUT'));
    for (let i = 0; i < 3; i++) {
      await calls(i + 1);
      t.fire(i);
    }
    await expect(result).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(seen).toHaveLength(3);
  });

  it('stops when the caller\'s own signal aborts: no attempt starts already aborted', async () => {
    const { send, seen, calls } = scripted('hang', 200);
    const caller = new AbortController();
    const { retrying, slept } = client(send, { timeout: fakeTimeouts().timeout });
    const result = retrying(req('GET', {}, caller.signal));
    await calls(1);
    const reason = new DOMException('The caller gave up', 'TimeoutError'); // as AbortSignal.timeout() aborts
    caller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(seen.map((x) => x.abortedAtStart)).toEqual([false]);
    expect(slept).toEqual([]);
  });

  it('lets the caller\'s signal cut a wait short', async () => {
    const { send } = scripted(503, 200);
    const caller = new AbortController();
    const waits: AbortSignal[] = [];
    let sleeping!: () => void;
    const asleep = new Promise<void>((resolve) => { sleeping = resolve; });
    const sleep = (_ms: number, signal?: AbortSignal) => new Promise<void>((_, reject) => {
      sleeping();
      if (!signal) return reject(new Error('sleep got no signal'));
      waits.push(signal);
      signal.addEventListener('abort', () => reject(signal.reason));
    });
    const result = client(send, { sleep }).retrying(req('GET', {}, caller.signal));
    await asleep; // the 503 came back and the client is waiting to retry
    const reason = new DOMException('The caller gave up', 'AbortError');
    caller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(waits).toHaveLength(1);
  });

  it('keeps every attempt and wait inside one deadline, shrinking the last timeout to fit', async () => {
    const { send, seen } = scripted(503);
    const t = fakeTimeouts();
    let clock = NOW;
    const { retrying, slept } = client(send, {
      maxAttempts: 10, deadlineMs: 1000, attemptTimeoutMs: 700,
      backoff: () => 400, now: () => clock, timeout: t.timeout,
      sleep: async (ms) => { slept.push(ms); clock += ms; },
    });
    // Tries at 0, 400 and 800 ms; the next wait would end at 1200, past the deadline.
    expect((await retrying(req('GET'))).status).toBe(503);
    expect(seen).toHaveLength(3);
    expect(slept).toEqual([400, 400]);
    expect(t.timers.map((x) => x.ms)).toEqual([700, 600, 200]);
  });

  it('does not start a try that the deadline leaves no time for', async () => {
    const { send, seen } = scripted(503);
    const t = fakeTimeouts();
    let clock = NOW;
    const { retrying, slept } = client(send, {
      maxAttempts: 10, deadlineMs: 1000, backoff: () => 500, now: () => clock, timeout: t.timeout,
      sleep: async (ms) => { slept.push(ms); clock += ms; },
    });
    // Tries at 0 and 500 ms; the next would start at 1000, exactly the deadline.
    expect((await retrying(req('GET'))).status).toBe(503);
    expect(seen).toHaveLength(2);
    expect(t.timers.map((x) => x.ms)).toEqual([1000, 500]);
  });

  it('rounds a fractional limit up for AbortSignal.timeout, which takes whole ms', async () => {
    const { send } = scripted(200);
    // The default timeout: a real, unref'd timer that the instant answer beats.
    const retrying = withRetries(send, { attemptTimeoutMs: 1500.5, sleep: async () => {} });
    expect((await retrying(req('GET'))).status).toBe(200);
  });

  // Node fires a timer longer than 2^31 - 1 ms after 1 ms: "no timeout" would mean "at once".
  it.each([0, -1, Number.NaN, Infinity, 2 ** 31])('rejects attemptTimeoutMs and deadlineMs of %s', (ms) => {
    expect(() => withRetries(scripted(200).send, { attemptTimeoutMs: ms })).toThrow(RangeError);
    expect(() => withRetries(scripted(200).send, { deadlineMs: ms })).toThrow(RangeError);
  });
});

describe('Retry-After', () => {
  const busy = (value: string, status = 503) => () =>
    new Response(null, { status, headers: { 'Retry-After': value } });

  it('waits the seconds the server asks for instead of the backoff', async () => {
    const { send } = scripted(busy('2'), 200);
    const { retrying, slept, backoffs } = client(send);
    expect((await retrying(req('GET'))).status).toBe(200);
    expect(slept).toEqual([2000]);
    expect(backoffs).toEqual([]);
  });

  it('waits until an HTTP-date, measured on the injected clock', async () => {
    const { send } = scripted(busy(new Date(NOW + 7000).toUTCString(), 429), 200);
    const { retrying, slept } = client(send);
    expect((await retrying(req('GET'))).status).toBe(200);
    expect(slept).toEqual([7000]);
  });

  it('returns the answer to the caller when the wait would end past the deadline', async () => {
    const { send, seen } = scripted(busy('3600'), 200);
    const { retrying, slept } = client(send, { deadlineMs: 60_000 });
    const res = await retrying(req('GET'));
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('3600');
    expect(seen).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('falls back to backoff when the value is malformed', async () => {
    const { send } = scripted(busy('soon'), 200);
    const { retrying, slept, backoffs } = client(send);
    await retrying(req('GET'));
    expect(backoffs).toEqual([1]);
    expect(slept).toEqual([100]);
  });

  it('cancels the body of an answer it discards, freeing the connection', async () => {
    const cancel = vi.fn();
    const body = new ReadableStream({ cancel });
    const { send } = scripted(() => new Response(body, { status: 503, headers: { 'Retry-After': '1' } }), 200);
    await client(send).retrying(req('GET'));
    expect(cancel).toHaveBeenCalledOnce();
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5000],
    ['Wed, 01 Jan 2025 12:00:30 GMT', 30_000], // IMF-fixdate
    ['Wednesday, 01-Jan-25 12:00:30 GMT', 30_000], // obsolete RFC 850
    ['Wed Jan  1 12:00:30 2025', 30_000], // obsolete asctime, read as UTC
    ['Tue, 31 Dec 2024 12:00:00 GMT', 0], // in the past: go now
  ])('%j -> %i ms', (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms);
  });

  it.each([null, '', '-1', '1.5', '+3', '0x10', 'soon', 'wed, 01 Jan 2025 12:00:30 GMT',
    '2025-01-01T12:00:30Z', 'Wed, 01 Jan 2025 12:00:30 PST', 'Wed, 01 Jan 2025'])('%j -> undefined', (value) => {
    expect(retryAfterMs(value, NOW)).toBeUndefined();
  });
});

describe('end to end: set versus increment with a lost first answer', () => {
  function losingFirstAnswer(app: ReturnType<typeof createCartApp>): Send {
    let tries = 0;
    return async (request) => {
      const response = await app.request(request);
      if (++tries > 1) return response;
      await response.body?.cancel();
      throw new TypeError('fetch failed');
    };
  }
  const json = (method: string, path: string, body: string, headers = {}) =>
    new Request(`http://shop.test${path}`, { method, body, headers: { 'Content-Type': 'application/json', ...headers } });

  it('the PUT is retried and the cart holds what was asked for', async () => {
    const cart = new Map<string, number>();
    const app = createCartApp(cart);
    const res = await client(losingFirstAnswer(app)).retrying(json('PUT', '/cart/items/tea', '{"quantity":2}'));
    expect(res.status).toBe(200);
    expect(cart.get('tea')).toBe(2);
  });

  it('the POST is not retried: applied once, and the caller learns the outcome is unknown', async () => {
    const cart = new Map<string, number>();
    const app = createCartApp(cart);
    await expect(client(losingFirstAnswer(app)).retrying(json('POST', '/cart/items', '{"sku":"mug","quantity":1}')))
      .rejects.toThrow(TypeError);
    expect(cart.get('mug')).toBe(1);
  });

  it('a key alone does not make an increment safe: the server must deduplicate on it (Q59)', async () => {
    const cart = new Map<string, number>();
    const app = createCartApp(cart); // this server ignores the key
    const keyed = json('POST', '/cart/items', '{"sku":"mug","quantity":1}', { 'Idempotency-Key': 'k-1' });
    await client(losingFirstAnswer(app)).retrying(keyed);
    expect(cart.get('mug')).toBe(2);
  });
});
