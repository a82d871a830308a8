import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker, CircuitOpenError, httpHealth, type BreakerOptions, type CircuitState,
} from './circuit-breaker.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function setup(overrides: Partial<BreakerOptions<string>> = {}) {
  let clock = 1_000_000;
  const transitions: string[] = [];
  const breaker = new CircuitBreaker<string>({
    windowSize: 10, minimumCalls: 4, failureRate: 0.5, openMs: 30_000, probes: 2,
    now: () => clock,
    onStateChange: (from: CircuitState, to: CircuitState) => transitions.push(`${from}->${to}`),
    ...overrides,
  });
  let calls = 0;
  const ok = () => breaker.run(async () => { calls++; return 'ok'; });
  const fail = () => breaker.run(async () => { calls++; throw new Error('boom'); }).catch((e: Error) => e);
  return {
    breaker, transitions, ok, fail,
    calls: () => calls,
    advance: (ms: number) => { clock += ms; },
  };
}

/** Drives a fresh breaker to open. */
async function opened(overrides: Partial<BreakerOptions<string>> = {}) {
  const s = setup(overrides);
  for (let i = 0; i < 4; i++) await s.fail();
  expect(s.breaker.state).toBe('open');
  return s;
}

describe('closed', () => {
  it('passes values and errors through', async () => {
    const s = setup();
    expect(await s.ok()).toBe('ok');
    expect(await s.fail()).toHaveProperty('message', 'boom');
    expect(s.breaker.state).toBe('closed');
  });

  it('stays closed below minimumCalls, even if every call failed', async () => {
    const s = setup();
    for (let i = 0; i < 3; i++) await s.fail();
    expect(s.breaker.state).toBe('closed');
  });

  it('opens when the failure rate reaches the threshold, not before', async () => {
    const s = setup({ minimumCalls: 4, failureRate: 0.5 });
    await s.ok(); await s.ok(); await s.ok(); await s.fail(); // 1 of 4
    await s.fail(); // 2 of 5 = 40%
    expect(s.breaker.state).toBe('closed');
    await s.fail(); // 3 of 6 = 50%
    expect(s.breaker.state).toBe('open');
    expect(s.transitions).toEqual(['closed->open']);
  });

  it('counts only the last windowSize calls', async () => {
    const s = setup({ windowSize: 4, minimumCalls: 4, failureRate: 0.75 });
    await s.fail(); await s.fail(); // will slide out
    for (let i = 0; i < 4; i++) await s.ok();
    await s.fail(); await s.fail(); // 2 of the last 4
    expect(s.breaker.state).toBe('closed');
    await s.fail(); // 3 of the last 4
    expect(s.breaker.state).toBe('open');
  });

  it('forgets failures older than windowMs', async () => {
    const s = setup({ windowMs: 60_000, minimumCalls: 3, failureRate: 1 });
    await s.fail(); await s.fail();
    s.advance(60_000);
    await s.fail();
    expect(s.breaker.state).toBe('closed'); // the first two expired
    await s.fail(); await s.fail();
    expect(s.breaker.state).toBe('open');
  });
});

describe('open', () => {
  it('fails fast without calling, saying when it will probe', async () => {
    const s = await opened();
    s.advance(10_000);
    const before = s.calls();
    const error = await s.ok().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryInMs).toBe(20_000);
    expect(s.calls()).toBe(before);
  });

  it('turns half-open exactly when openMs has passed', async () => {
    const s = await opened();
    s.advance(29_999);
    expect(s.breaker.state).toBe('open');
    s.advance(1);
    expect(s.breaker.state).toBe('half-open');
    expect(s.transitions).toEqual(['closed->open', 'open->half-open']);
  });
});

describe('half-open', () => {
  it('closes after every probe succeeds, with a clean window', async () => {
    const s = await opened({ probes: 2 });
    s.advance(30_000);
    await s.ok();
    expect(s.breaker.state).toBe('half-open');
    await s.ok();
    expect(s.breaker.state).toBe('closed');
    for (let i = 0; i < 3; i++) await s.fail(); // old failures are gone
    expect(s.breaker.state).toBe('closed');
    expect(s.transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('opens again on a failed probe and restarts the timer', async () => {
    const s = await opened();
    s.advance(30_000);
    await s.fail();
    expect(s.breaker.state).toBe('open');
    s.advance(29_999);
    expect(s.breaker.state).toBe('open');
    s.advance(1);
    expect(s.breaker.state).toBe('half-open');
  });

  it('lets only `probes` calls through while they are in flight', async () => {
    const s = await opened({ probes: 1 });
    s.advance(30_000);
    const probe = deferred<string>();
    const first = s.breaker.run(() => probe.promise);
    let secondCalled = false;
    const second = s.breaker.run(async () => { secondCalled = true; return 'x'; });
    await expect(second).rejects.toBeInstanceOf(CircuitOpenError);
    expect(secondCalled).toBe(false);
    probe.resolve('healthy');
    expect(await first).toBe('healthy');
    expect(s.breaker.state).toBe('closed');
  });

  it('ignores an outcome from a call that started before the last transition', async () => {
    const s = setup({ minimumCalls: 1, failureRate: 1, probes: 1 });
    const slow = deferred<string>();
    const old = s.breaker.run(() => slow.promise).catch(() => 'failed late');
    await s.fail(); // opens
    s.advance(30_000);
    await s.ok(); // probe: closes
    expect(s.breaker.state).toBe('closed');
    slow.reject(new Error('timeout from long ago'));
    expect(await old).toBe('failed late');
    expect(s.breaker.state).toBe('closed'); // would be open if it counted
  });
});

describe('what counts as a failure (HTTP)', () => {
  const http = () => {
    let clock = 0;
    const breaker = new CircuitBreaker<Response>({
      windowSize: 5, minimumCalls: 3, failureRate: 1, openMs: 1_000, probes: 1,
      now: () => clock, classify: httpHealth,
    });
    const send = (status: number) => breaker.run(async () => new Response(null, { status }));
    return { breaker, send, advance: (ms: number) => { clock += ms; } };
  };

  it('4xx is the caller\'s problem and never opens the circuit', async () => {
    const { breaker, send } = http();
    for (const status of [400, 404, 409, 422, 429, 400]) await send(status);
    expect(breaker.state).toBe('closed');
  });

  it('5xx, network errors and timeouts count', async () => {
    const { breaker, send } = http();
    await send(503);
    await breaker.run(async () => { throw new TypeError('fetch failed'); }).catch(() => {});
    await breaker.run(async () => { throw new DOMException('slow', 'TimeoutError'); }).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('a classifier that throws on a probe does not wedge the circuit half-open', async () => {
    const { breaker, send, advance } = http();
    for (let i = 0; i < 3; i++) await send(500);
    advance(1_000);
    // A bug upstream: the call resolves without a Response, so httpHealth throws.
    const broken = breaker.run(async () => undefined as unknown as Response);
    await expect(broken).rejects.toThrow(TypeError);
    expect(breaker.state).toBe('open'); // counted as a failed probe
    advance(1_000);
    expect((await send(200)).status).toBe(200); // probing again, not stuck
    expect(breaker.state).toBe('closed');
  });

  it('a caller\'s own abort is ignored, and frees its probe slot', async () => {
    const { breaker, send, advance } = http();
    for (let i = 0; i < 3; i++) await send(500);
    advance(1_000);
    const abort = () => breaker.run(async () => { throw new DOMException('left', 'AbortError'); });
    await expect(abort()).rejects.toThrow('left');
    expect(breaker.state).toBe('half-open');
    expect((await send(200)).status).toBe(200); // the slot was given back
    expect(breaker.state).toBe('closed');
  });
});

describe('configuration', () => {
  it('rejects bad settings with the field name', () => {
    const base: BreakerOptions<string> = {
      windowSize: 10, minimumCalls: 5, failureRate: 0.5, openMs: 1_000, probes: 1, now: Date.now,
    };
    const bad: [Partial<BreakerOptions<string>>, RegExp][] = [
      [{ windowSize: 0 }, /windowSize/], [{ windowSize: 1001 }, /windowSize/],
      [{ minimumCalls: 11 }, /minimumCalls/], [{ minimumCalls: 0 }, /minimumCalls/],
      [{ probes: 0 }, /probes/], [{ failureRate: 0 }, /failureRate/],
      [{ failureRate: 1.1 }, /failureRate/], [{ openMs: -1 }, /openMs/],
      [{ openMs: Number.NaN }, /openMs/], [{ windowMs: 0 }, /windowMs/],
    ];
    for (const [override, message] of bad) {
      expect(() => new CircuitBreaker({ ...base, ...override })).toThrow(message);
    }
  });
});
