import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { shedLoad, type ShedOptions, type ShedReason } from './bounded-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** An app whose handler waits on a gate the test opens, counting work. */
function setup(overrides: Partial<ShedOptions> = {}) {
  let clock = 0;
  const gates: (() => void)[] = [];
  const timeouts: AbortController[] = [];
  const shed: ShedReason[] = [];
  let running = 0, peakRunning = 0, started = 0;
  const app = new Hono();
  const shedder = shedLoad({
    maxConcurrent: 2, maxQueued: 3, maxWaitMs: 1_000, perClient: 100,
    clientOf: (c) => c.req.header('X-Client') ?? 'anon',
    now: () => clock,
    timeout: () => { const t = new AbortController(); timeouts.push(t); return t.signal; },
    ...overrides,
  }, (reason) => shed.push(reason));
  app.use(shedder);
  app.get('/work', async (c) => {
    started++;
    peakRunning = Math.max(peakRunning, ++running);
    try {
      await new Promise<void>((resolve) => gates.push(resolve));
      return c.text('done');
    } finally { running--; }
  });
  app.get('/boom', () => { throw new Error('handler bug'); });
  const send = (client = 'anon', init: RequestInit = {}) =>
    app.request('/work', { ...init, headers: { 'X-Client': client } });
  return {
    app, send, shed, gates, timeouts, shedder,
    setClock: (ms: number) => { clock = ms; },
    stats: () => ({ running, peakRunning, started }),
  };
}

describe('shedLoad', () => {
  it('keeps work and waiting bounded under a fast producer; the rest is refused at once', async () => {
    const s = setup();
    const responses = Array.from({ length: 1_000 }, (_, i) => s.send(`c${i}`));
    await tick();
    // 2 running, 3 waiting: everything else already has its answer.
    expect(s.stats()).toMatchObject({ running: 2, started: 2 });
    expect(s.shedder.stats()).toEqual({ running: 2, queued: 3, clients: 5 });
    expect(s.shed).toHaveLength(995);
    expect(new Set(s.shed)).toEqual(new Set(['queue-full']));
    while (s.stats().running > 0) { s.gates.splice(0).forEach((open) => open()); await tick(); }
    const statuses = (await Promise.all(responses)).map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(5);
    expect(statuses.filter((x) => x === 503)).toHaveLength(995);
    expect(s.stats().peakRunning).toBe(2);
    // Nothing is left behind: no slots, no queue, no per-client entries.
    expect(s.shedder.stats()).toEqual({ running: 0, queued: 0, clients: 0 });
  });

  it('a refused request costs no timer: only requests that wait arm one', async () => {
    const s = setup(); // 2 slots, 3 places in the queue
    const responses = Array.from({ length: 1_000 }, (_, i) => s.send(`c${i}`));
    await tick();
    expect(s.shed).toHaveLength(995);
    expect(s.timeouts).toHaveLength(3); // the 3 queued; not 1,000 live timers
    while (s.stats().running > 0) { s.gates.splice(0).forEach((open) => open()); await tick(); }
    await Promise.all(responses);
  });

  it('answers 503 with Retry-After and a problem body, without running the handler', async () => {
    const s = setup({ maxConcurrent: 1, maxQueued: 0, retryAfterSeconds: 5 });
    const first = s.send();
    const res = await s.send();
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 503, detail: 'The server is at capacity.' });
    expect(s.stats().started).toBe(1);
    s.gates.shift()!();
    expect((await first).status).toBe(200);
  });

  it('answers 429 to a client over its share, while others still get in', async () => {
    const s = setup({ perClient: 2 });
    const mine = [s.send('greedy'), s.send('greedy')];
    const over = await s.send('greedy');
    expect(over.status).toBe(429);
    expect(over.headers.get('Retry-After')).toBe('1');
    expect(s.shed).toEqual(['client-share']);
    const other = s.send('polite'); // queued, not refused
    await tick();
    s.gates.splice(0).forEach((open) => open());
    await tick();
    s.gates.splice(0).forEach((open) => open());
    expect((await Promise.all([...mine, other])).map((r) => r.status)).toEqual([200, 200, 200]);
    // Finished requests give their places back.
    const again = s.send('greedy');
    await tick();
    s.gates.splice(0).forEach((open) => open());
    expect((await again).status).toBe(200);
  });

  it('drops a request whose wait passed maxWaitMs when its turn comes, even if no timer fired', async () => {
    const s = setup({ maxConcurrent: 1, maxQueued: 2 });
    const first = s.send();
    const late = s.send();
    await tick();
    s.setClock(1_001); // the timeout timer has not fired: the loop was busy
    s.gates.shift()!();
    expect((await first).status).toBe(200);
    const res = await late;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ detail: 'The request waited too long to start.' });
    expect(s.stats().started).toBe(1); // never ran
    expect(s.shed).toEqual(['waited-too-long']);
  });

  it('a request that waited exactly maxWaitMs still runs', async () => {
    const s = setup({ maxConcurrent: 1, maxQueued: 1 });
    const first = s.send();
    const second = s.send();
    await tick();
    s.setClock(1_000);
    s.gates.shift()!();
    await tick();
    s.gates.shift()!();
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
  });

  it('leaves the queue when its timeout fires, freeing the place for others', async () => {
    const s = setup({ maxConcurrent: 1, maxQueued: 1 });
    const first = s.send();
    const waiting = s.send();
    await tick();
    s.timeouts[0]!.abort(new DOMException('timed out', 'TimeoutError')); // the one waiter's
    const res = await waiting;
    expect(res.status).toBe(503);
    expect(s.shed).toEqual(['waited-too-long']);
    const next = s.send(); // the place is free again
    await tick();
    s.gates.shift()!();
    await tick();
    s.gates.shift()!();
    expect([(await first).status, (await next).status]).toEqual([200, 200]);
  });

  it('a caller that hangs up while waiting never runs', async () => {
    const s = setup({ maxConcurrent: 1, maxQueued: 1 });
    const first = s.send();
    const hangUp = new AbortController();
    const gone = s.send('anon', { signal: hangUp.signal });
    await tick();
    hangUp.abort();
    expect((await gone).status).toBe(503);
    expect(s.shed).toEqual(['caller-gone']);
    s.gates.shift()!();
    expect((await first).status).toBe(200);
    expect(s.stats().started).toBe(1);
  });

  it('a caller already gone when a slot is free is not run either', async () => {
    const s = setup();
    const res = await s.send('anon', { signal: AbortSignal.abort() });
    expect(res.status).toBe(503);
    expect(s.shed).toEqual(['caller-gone']);
    expect(s.stats().started).toBe(0);
  });

  it('a failing handler releases its slot and its client place', async () => {
    const s = setup({ maxConcurrent: 1, maxQueued: 0, perClient: 1 });
    for (let i = 0; i < 3; i++) {
      const res = await s.app.request('/boom', { headers: { 'X-Client': 'x' } });
      expect(res.status).toBe(500); // Hono's default error answer, not 503 or 429
    }
    expect(s.shed).toEqual([]);
    expect(s.shedder.stats()).toEqual({ running: 0, queued: 0, clients: 0 });
  });

  it('rejects bad options when the app starts', () => {
    const base: ShedOptions = { maxConcurrent: 1, maxQueued: 1, maxWaitMs: 100,
      perClient: 1, clientOf: () => 'x' };
    expect(() => shedLoad({ ...base, maxWaitMs: 0 })).toThrow(/maxWaitMs must be/);
    expect(() => shedLoad({ ...base, perClient: 1.5 })).toThrow(/perClient must be/);
    expect(() => shedLoad({ ...base, retryAfterSeconds: -1 })).toThrow(/retryAfterSeconds/);
    expect(() => shedLoad({ ...base, maxQueued: -1 })).toThrow(/maxQueued must be >= 0/);
    expect(() => shedLoad({ ...base, maxConcurrent: 0 })).toThrow(/maxConcurrent/);
  });
});
