import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpVerdict, withRetries, type Send } from '../http/retry-idempotent.ts';
import { fullJitter } from './backoff.ts';
import { RetryBudget } from './retry-budget.ts';
import { retry, type RetryEvent, type RetryPolicy } from './retry.ts';

/** One call through Q32's HTTP wrapper, which runs this module's loop. */
const retryHttp = (send: Send, request: Request, policy: Omit<RetryPolicy<Response>, 'classify'>) =>
  withRetries(send, policy)(request);

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

type Step = number | Error | 'hang' | Response;

/** A fake dependency that plays `script` in order and records each try. */
function scripted(...script: Step[]) {
  const seen: { method: string; body: string }[] = [];
  const send: Send = async (request) => {
    seen.push({ method: request.method, body: await request.text() });
    request.signal.throwIfAborted();
    const step = script[Math.min(seen.length, script.length) - 1]!;
    if (step === 'hang') {
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    }
    if (step instanceof Error) throw step;
    if (step instanceof Response) return step;
    return new Response(`status ${step}`, { status: step });
  };
  return { send, seen };
}

/** A hand-driven clock, sleep and per-try timers: no real time passes. */
function harness(overrides: Partial<RetryPolicy<Response>> = {}) {
  let clock = T0;
  const slept: number[] = [];
  const events: RetryEvent[] = [];
  const timers: { ms: number; controller: AbortController }[] = [];
  const policy: Omit<RetryPolicy<Response>, 'classify'> = {
    now: () => clock,
    sleep: async (ms) => { slept.push(ms); clock += ms; },
    timeout: (ms) => {
      const controller = new AbortController();
      timers.push({ ms, controller });
      return controller.signal;
    },
    backoff: (n) => 100 * n,
    onEvent: (e) => events.push(e),
    ...overrides,
  };
  const fire = (i: number) => timers[i]!.controller.abort(
    new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  return { policy, slept, events, timers, fire, advance: (ms: number) => { clock += ms; } };
}

const get = (headers: Record<string, string> = {}, signal?: AbortSignal) =>
  new Request('http://api.test/orders/1', { headers, signal });
const post = (headers: Record<string, string> = {}) =>
  new Request('http://api.test/orders', { method: 'POST', body: '{"sku":"mug"}', headers });

afterEach(() => { vi.useRealTimers(); });

/** Lets pending promise callbacks run without moving (fake) time. */
async function settle() {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe('what gets retried', () => {
  it('retries a 503 on a GET and returns the success', async () => {
    const { send, seen } = scripted(503, 503, 200);
    const h = harness();
    const response = await retryHttp(send, get(), h.policy);
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(h.slept).toEqual([100, 200]); // the backoff for retries 1 and 2
  });

  it('stops after maxAttempts and hands back the last real response', async () => {
    const { send, seen } = scripted(503);
    const h = harness();
    const response = await retryHttp(send, get(), h.policy);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('status 503'); // the body is still readable
    expect(seen).toHaveLength(3);
    expect(h.events.at(-1)).toEqual({ type: 'give-up', attempt: 3, reason: 'attempts' });
  });

  it('does not retry answers that would fail the same way', async () => {
    for (const status of [400, 401, 404, 409, 422, 500]) {
      const { send, seen } = scripted(status, 200);
      const response = await retryHttp(send, get(), harness().policy);
      expect(response.status).toBe(status);
      expect(seen).toHaveLength(1);
    }
  });

  it('never repeats a POST without an Idempotency-Key, even on a lost answer', async () => {
    const busy = scripted(503, 201);
    expect((await retryHttp(busy.send, post(), harness().policy)).status).toBe(503);
    expect(busy.seen).toHaveLength(1);
    const lost = scripted(new TypeError('fetch failed'), 201);
    await expect(retryHttp(lost.send, post(), harness().policy)).rejects.toThrow('fetch failed');
    expect(lost.seen).toHaveLength(1);
  });

  it('repeats a keyed POST, sending the same body every time', async () => {
    const { send, seen } = scripted(new TypeError('fetch failed'), 201);
    const response = await retryHttp(send, post({ 'Idempotency-Key': 'k-1' }), harness().policy);
    expect(response.status).toBe(201);
    expect(seen.map((s) => s.body)).toEqual(['{"sku":"mug"}', '{"sku":"mug"}']);
  });

  it('throws a bug at once instead of retrying it', async () => {
    const { send, seen } = scripted(new RangeError('bad state'), 200);
    await expect(retryHttp(send, get(), harness().policy)).rejects.toThrow(RangeError);
    expect(seen).toHaveLength(1);
  });

  it('frees the body of every response it will not return', async () => {
    let cancelled = 0;
    const busy = () => new Response(new ReadableStream({ cancel() { cancelled++; } }), { status: 503 });
    const { send } = scripted(busy(), busy(), 200);
    await retryHttp(send, get(), harness().policy);
    expect(cancelled).toBe(2);
  });
});

describe('Retry-After', () => {
  it('waits what the server asks instead of the backoff', async () => {
    const { send } = scripted(new Response(null, { status: 503, headers: { 'Retry-After': '2' } }), 200);
    const h = harness();
    expect((await retryHttp(send, get(), h.policy)).status).toBe(200);
    expect(h.slept).toEqual([2_000]);
  });

  it('accepts an HTTP-date', async () => {
    const at = new Date(T0 + 3_000).toUTCString();
    const { send } = scripted(new Response(null, { status: 429, headers: { 'Retry-After': at } }), 200);
    const h = harness();
    await retryHttp(send, get(), h.policy);
    expect(h.slept).toEqual([3_000]);
  });

  it('gives up on a wait longer than the cap; the cap itself is fine', async () => {
    const busy = (s: string) => new Response(null, { status: 503, headers: { 'Retry-After': s } });
    const long = scripted(busy('6'), 200);
    const h = harness({ maxRetryAfterMs: 5_000 });
    expect((await retryHttp(long.send, get(), h.policy)).status).toBe(503);
    expect(long.seen).toHaveLength(1);
    expect(h.events).toEqual([{ type: 'give-up', attempt: 1, reason: 'retry-after' }]);
    const exact = scripted(busy('5'), 200);
    const h2 = harness({ maxRetryAfterMs: 5_000 });
    expect((await retryHttp(exact.send, get(), h2.policy)).status).toBe(200);
    expect(h2.slept).toEqual([5_000]);
  });

  it('caps Retry-After at the deadline when no cap is set', async () => {
    const busy = new Response(null, { status: 503, headers: { 'Retry-After': '31' } });
    const { send, seen } = scripted(busy, 200);
    const h = harness({ deadlineMs: 30_000 });
    expect((await retryHttp(send, get(), h.policy)).status).toBe(503);
    expect(seen).toHaveLength(1);
    expect(h.events).toEqual([{ type: 'give-up', attempt: 1, reason: 'retry-after' }]);
  });

  it('falls back to the backoff when the header is malformed', async () => {
    const { send } = scripted(new Response(null, { status: 503, headers: { 'Retry-After': 'soon' } }), 200);
    const h = harness();
    await retryHttp(send, get(), h.policy);
    expect(h.slept).toEqual([100]);
  });
});

describe('timeouts under one deadline', () => {
  it('abandons a hung try after its own timeout and retries with a fresh timer', async () => {
    const { send, seen } = scripted('hang', 200);
    const h = harness({ attemptTimeoutMs: 1_000, deadlineMs: 10_000 });
    const pending = retryHttp(send, get(), h.policy);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    h.advance(1_000);
    h.fire(0);
    expect((await pending).status).toBe(200);
    expect(h.timers.map((t) => t.ms)).toEqual([1_000, 1_000]);
    expect(h.timers[1]!.controller.signal.aborted).toBe(false); // not the old timer
  });

  it('cuts the last try to what is left of the deadline', async () => {
    const { send } = scripted(503, 503, 200);
    const h = harness({ attemptTimeoutMs: 2_000, deadlineMs: 2_500, backoff: () => 1_000 });
    await retryHttp(send, get(), h.policy);
    expect(h.timers.map((t) => t.ms)).toEqual([2_000, 1_500, 500]);
  });

  it('gives up when the next wait would end past the deadline', async () => {
    const { send, seen } = scripted(503, 200);
    const h = harness({ deadlineMs: 1_000, backoff: () => 1_000 });
    expect((await retryHttp(send, get(), h.policy)).status).toBe(503);
    expect(seen).toHaveLength(1);
    expect(h.events).toEqual([{ type: 'give-up', attempt: 1, reason: 'deadline' }]);
  });

  it('stops at once when the caller aborts a try, without retrying', async () => {
    const { send, seen } = scripted('hang', 200);
    const caller = new AbortController();
    const pending = retryHttp(send, get({}, caller.signal), harness().policy);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    caller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    expect(seen).toHaveLength(1);
  });

  it('does not blame the dependency for the caller\'s own deadline', async () => {
    const { send, seen } = scripted('hang', 200);
    const caller = new AbortController();
    const budget = new RetryBudget();
    const h = harness({ budget });
    const pending = retryHttp(send, get({}, caller.signal), h.policy);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    // What AbortSignal.timeout() on the caller's side aborts with.
    caller.abort(new DOMException('caller deadline', 'TimeoutError'));
    await expect(pending).rejects.toThrow('caller deadline');
    expect(h.events).toEqual([]); // no retry planned, nothing slept
    expect(budget.tokens).toBe(10); // and no token spent on it
  });

  it('waits with real (fake) timers and can be cancelled mid-wait', async () => {
    vi.useFakeTimers();
    const { send, seen } = scripted(503, 200);
    const caller = new AbortController();
    const pending = retry((signal) => send(new Request(get(), { signal })), {
      classify: httpVerdict(get(), Date.now),
      backoff: () => 5_000,
      timeout: () => new AbortController().signal,
      signal: caller.signal,
    });
    pending.catch(() => {});
    await settle();
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen).toHaveLength(1); // still waiting
    caller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toHaveLength(1);
  });

  it('retries on schedule with the default sleep', async () => {
    vi.useFakeTimers();
    const { send, seen } = scripted(503, 200);
    const pending = retry((signal) => send(new Request(get(), { signal })), {
      classify: httpVerdict(get(), Date.now),
      backoff: () => 5_000,
      timeout: () => new AbortController().signal,
    });
    await settle();
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });
});

describe('retry budget', () => {
  it('drains while a dependency is down, so most calls get one try', async () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
    const { send, seen } = scripted(503);
    for (let i = 0; i < 20; i++) await retryHttp(send, get(), { ...harness().policy, budget });
    // 3 + 2 tries, then the budget is at half and every call gets one try.
    expect(seen).toHaveLength(3 + 2 + 18);
    expect(budget.canRetry()).toBe(false);
  });

  it('says why it gave up, and returns the real outcome', async () => {
    const budget = new RetryBudget({ maxTokens: 2 });
    budget.recordFailure(); // one token left: at half
    const { send } = scripted(503, 200);
    const h = harness({ budget });
    expect((await retryHttp(send, get(), h.policy)).status).toBe(503);
    expect(h.events).toEqual([{ type: 'give-up', attempt: 1, reason: 'budget' }]);
  });

  it('counts real answers as successes, refilling the budget', async () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.5 });
    for (let i = 0; i < 10; i++) budget.recordFailure();
    const { send } = scripted(404);
    for (let i = 0; i < 11; i++) await retryHttp(send, get(), { ...harness().policy, budget });
    expect(budget.tokens).toBe(5.5);
    expect(budget.canRetry()).toBe(true);
  });
});

describe('the generic loop', () => {
  it('works for any operation, with jittered waits from an injected random', async () => {
    let calls = 0;
    const draws = [0.5, 0.25];
    const h = harness({ backoff: fullJitter({ baseMs: 100, capMs: 1_000, random: () => draws.shift()! }) });
    const value = await retry(async () => {
      if (++calls < 3) throw new Error('deadlock detected');
      return 'row';
    }, { ...h.policy, classify: (o) => (o.ok ? 'done' : 'retry') } as RetryPolicy<string>);
    expect(value).toBe('row');
    expect(h.slept).toEqual([50, 50]); // 0.5 × 100, then 0.25 × 200
  });

  it('rejects bad settings with a clear message', async () => {
    const classify = () => 'done' as const;
    const op = async () => 1;
    for (const maxAttempts of [0, 11, 1.5]) {
      await expect(retry(op, { classify, maxAttempts })).rejects.toThrow(/maxAttempts must be 1-10/);
    }
    for (const attemptTimeoutMs of [0, -1, Number.NaN, 2 ** 31]) {
      await expect(retry(op, { classify, attemptTimeoutMs })).rejects.toThrow(/attemptTimeoutMs must be/);
    }
    await expect(retry(op, { classify, deadlineMs: Infinity })).rejects.toThrow(/deadlineMs must be/);
    await expect(retry(op, { classify, maxRetryAfterMs: -1 })).rejects.toThrow(/maxRetryAfterMs/);
  });

  it('does not start when the caller has already aborted', async () => {
    let calls = 0;
    const caller = new AbortController();
    caller.abort(new Error('too late'));
    await expect(retry(async () => ++calls, { classify: () => 'done', signal: caller.signal }))
      .rejects.toThrow('too late');
    expect(calls).toBe(0);
  });
});

describe('second reader: defects', () => {
  it('a POST that fails against a dead service does not refill the budget', async () => {
    const budget = new RetryBudget({ maxTokens: 10 });
    for (let i = 0; i < 5; i++) budget.recordFailure(); // at half: throttled
    for (const step of [503, new TypeError('fetch failed')] as Step[]) {
      const { send } = scripted(step);
      for (let i = 0; i < 5; i++) {
        await retryHttp(send, post(), { ...harness().policy, budget }).catch(() => {});
      }
    }
    expect(budget.tokens).toBe(0); // each failure took a token; none gave one
    expect(budget.canRetry()).toBe(false);
  });

  it('a bug thrown by the transport is not a success either', async () => {
    const budget = new RetryBudget({ maxTokens: 10 });
    budget.recordFailure();
    const { send } = scripted(new RangeError('bad state'));
    await expect(retryHttp(send, get(), { ...harness().policy, budget })).rejects.toThrow(RangeError);
    expect(budget.tokens).toBe(9);
  });

  it('throws at once on a body the caller already read: a bug, not a network error', async () => {
    const { send, seen } = scripted(200);
    const budget = new RetryBudget();
    const h = harness({ budget });
    const request = new Request('http://api.test/orders/1', { method: 'PUT', body: '{}' });
    await request.text();
    await expect(retryHttp(send, request, h.policy)).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(0);
    expect(h.slept).toEqual([]);
    expect(budget.tokens).toBe(10);
  });

  it('does not start a try once the deadline has passed, even if a wait overran', async () => {
    const { send, seen } = scripted(503, 200);
    const h = harness({ deadlineMs: 1_000, backoff: () => 500 });
    // A busy event loop: the 500 ms wait ends 700 ms later, past the deadline.
    h.policy.sleep = async (ms) => { h.slept.push(ms); h.advance(ms + 700); };
    const response = await retryHttp(send, get(), h.policy);
    expect(response.status).toBe(503); // the last real answer, not a 1 ms timeout
    expect(seen).toHaveLength(1);
    expect(h.events.at(-1)).toEqual({ type: 'give-up', attempt: 1, reason: 'deadline' });
  });

  it('rejects a backoff that returns a wait that is not a finite number >= 0', async () => {
    for (const bad of [Number.NaN, -1, Infinity]) {
      const { send, seen } = scripted(503, 200);
      const h = harness({ backoff: () => bad });
      await expect(retryHttp(send, get(), h.policy)).rejects.toThrow(/backoff/);
      expect(seen).toHaveLength(1);
    }
  });
});
