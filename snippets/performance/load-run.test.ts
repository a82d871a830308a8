import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';
import {
  type LoadPlan, type Send, VirtualClock, httpGet, listenOnLoopback,
  realClock, runLoad,
} from './load-run.ts';

const plan = (over: Partial<LoadPlan> = {}): LoadPlan => ({
  ratePerSecond: 100, requests: 10, maxDurationMs: 60_000,
  maxInFlight: 10, timeoutMs: 5_000, ...over,
});

/** A simulated server in virtual time; `work(i)` is request i's cost. */
function simulated(clock: VirtualClock, work: (i: number) => number) {
  const log = { sentAt: [] as number[], inFlight: 0, maxInFlight: 0 };
  let i = 0;
  const send: Send = async () => {
    const cost = work(i++);
    log.sentAt.push(clock.now());
    log.maxInFlight = Math.max(log.maxInFlight, ++log.inFlight);
    await clock.sleepUntil(clock.now() + cost);
    log.inFlight--;
    return true;
  };
  return { send, log };
}

describe('runLoad in virtual time', () => {
  it('sends on schedule while earlier requests are still running', async () => {
    const clock = new VirtualClock();
    const { send, log } = simulated(clock, () => 50);
    const result = await clock.run(runLoad(plan(), send, clock));
    expect(log.sentAt).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(log.maxInFlight).toBe(5); // 50 ms each, one every 10 ms
    expect([result.sent, result.ok, result.failed]).toEqual([10, 10, 0]);
    expect(result.latency.percentile(100)).toBe(50_000);
    expect(result.throughput).toBeCloseTo(10 / 0.14, 6); // last done at 140
  });

  it('measures from the due time, so a stall counts for every request it delays', async () => {
    const clock = new VirtualClock();
    const work = (i: number) => (i === 300 ? 2_000 : 1);
    const { send } = simulated(clock, work);
    const result = await clock.run(runLoad(
      plan({ requests: 1_000, maxInFlight: 1 }), send, clock));

    // The same queue worked out by hand: one connection, FIFO.
    const expected = new LatencyHistogram({ highest: 65_000_000, digits: 3 });
    let free = 0;
    for (let i = 0; i < 1_000; i++) {
      const due = i * 10;
      const done = Math.max(due, free) + work(i);
      expected.record((done - due) * 1000);
      free = done;
    }
    expect(result.ok).toBe(1_000);
    for (const p of [50, 80, 90, 99, 100]) {
      expect(result.latency.percentile(p)).toBe(expected.percentile(p));
    }
    expect(result.latency.percentile(90)).toBeGreaterThan(1_000_000);
    // Timed from the send, the same run looks perfect up to p99.9.
    expect(result.serviceTime.percentile(99.9)).toBe(1_000);
    expect(result.serviceTime.max).toBe(2_000_000);
  });

  it('never has more than maxInFlight requests outstanding', async () => {
    const clock = new VirtualClock();
    const { send, log } = simulated(clock, () => 100);
    const result = await clock.run(runLoad(
      plan({ ratePerSecond: 1_000, requests: 30, maxInFlight: 3 }), send, clock));
    expect(log.maxInFlight).toBe(3);
    expect(result.sent).toBe(30);
  });

  it('stops scheduling at maxDurationMs and reports the rest as not sent', async () => {
    const clock = new VirtualClock();
    const { send } = simulated(clock, () => 1);
    const result = await clock.run(runLoad(
      plan({ requests: 1_000, maxDurationMs: 150 }), send, clock));
    expect([result.sent, result.notSent]).toEqual([15, 985]);
  });

  it('does not sleep past the deadline waiting for a far-off due time', async () => {
    const clock = new VirtualClock();
    const { send } = simulated(clock, () => 1);
    const result = await clock.run(runLoad(plan({ ratePerSecond: 0.5,
      requests: 5, maxDurationMs: 1_000 }), send, clock));
    expect([result.sent, result.notSent]).toEqual([1, 4]);
    expect(clock.now()).toBe(1); // not 2,000: the next request was never due
  });

  it('stops when waiting for a free connection runs past the deadline', async () => {
    const clock = new VirtualClock();
    const { send, log } = simulated(clock, () => 100);
    const result = await clock.run(runLoad(
      plan({ requests: 1_000, maxInFlight: 1, maxDurationMs: 250 }), send, clock));
    expect(log.sentAt).toEqual([0, 100, 200]);
    expect([result.sent, result.notSent]).toEqual([3, 997]);
  });

  it('counts failures, throws and late replies as failed, outside the histograms', async () => {
    const clock = new VirtualClock();
    let i = 0;
    const send: Send = async () => {
      const n = i++;
      if (n === 0) return false; // a 5xx
      if (n === 1) throw new TypeError('fetch failed'); // refused
      await clock.sleepUntil(clock.now() + (n === 2 ? 6_000 : 5));
      return true; // n === 2 answered after the 5 s timeout
    };
    const result = await clock.run(runLoad(plan({ requests: 5 }), send, clock));
    expect([result.ok, result.failed]).toEqual([2, 3]);
    expect(result.latency.count).toBe(2);
    expect(result.serviceTime.count).toBe(2);
  });

  it('rejects a plan with a clear message', async () => {
    const bad: Partial<LoadPlan>[] = [
      { ratePerSecond: 0 }, { ratePerSecond: -1 }, { ratePerSecond: Number.NaN },
      { ratePerSecond: Number.POSITIVE_INFINITY }, { requests: 1.5 },
      { requests: 0 }, { requests: 2_000_000 }, { maxInFlight: 0 },
      { maxDurationMs: -5 }, { timeoutMs: 0 },
    ];
    for (const over of bad) {
      const key = Object.keys(over)[0]!;
      await expect(runLoad(plan(over), async () => true))
        .rejects.toThrow(new RegExp(`^${key} must be a positive`));
    }
  });

  it('reports a virtual deadlock instead of hanging', async () => {
    const clock = new VirtualClock();
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow(/deadlock/);
  });
});

describe('runLoad against a Hono app on loopback', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => { await close?.(); close = undefined; });

  async function serve(app: Hono) {
    const server = await listenOnLoopback(app.fetch);
    close = server.close;
    return server.url;
  }

  it('sends every planned request and counts each answer', async () => {
    let served = 0;
    const app = new Hono().get('/items', (c) => {
      served++;
      return c.json({ items: [] });
    });
    const url = await serve(app);
    const result = await runLoad(plan({ ratePerSecond: 400, requests: 40,
      maxInFlight: 8 }), httpGet(`${url}/items`));
    expect([result.sent, result.ok, result.failed, result.notSent])
      .toEqual([40, 40, 0, 0]);
    expect(served).toBe(40);
    expect(result.latency.count).toBe(40);
    expect(result.throughput).toBeGreaterThan(0);
  });

  it('is bounded by time: a run planned too long ends early', async () => {
    let served = 0;
    const url = await serve(new Hono().get('/', (c) => {
      served++;
      return c.text('ok');
    }));
    const result = await runLoad(plan({ ratePerSecond: 200, requests: 1_000,
      maxDurationMs: 100 }), httpGet(url));
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBeLessThanOrEqual(20); // due times 0, 5, ..., 95
    expect(result.sent + result.notSent).toBe(1_000);
    expect(served).toBe(result.sent);
  });

  it('fails requests that outlive the timeout, and still finishes', async () => {
    const url = await serve(new Hono().get('/hang', () => new Promise(() => {})));
    const result = await runLoad(plan({ requests: 3, timeoutMs: 50 }),
      httpGet(`${url}/hang`));
    expect([result.ok, result.failed]).toEqual([0, 3]);
  });

  it('fails a request whose body never finishes', async () => {
    const url = await serve(new Hono().get('/trickle', () => new Response(
      new ReadableStream({ start(c) { c.enqueue(new Uint8Array([123])); } }))));
    const result = await runLoad(plan({ requests: 2, timeoutMs: 50 }),
      httpGet(`${url}/trickle`));
    expect([result.ok, result.failed]).toEqual([0, 2]);
  });

  it('closes while a request is still being served', async () => {
    const server = await listenOnLoopback(() => new Promise(() => {}));
    const pending = fetch(server.url).then(() => 'answered', () => 'cut off');
    await new Promise((resolve) => setTimeout(resolve, 20)); // let it connect
    await server.close(); // would wait forever for the hung request
    expect(await pending).toBe('cut off');
  }, 2_000);

  it('counts non-2xx answers and refused connections as failures', async () => {
    const url = await serve(new Hono().get('/', (c) => c.text('no', 503)));
    const unavailable = await runLoad(plan({ requests: 4 }), httpGet(url));
    expect([unavailable.ok, unavailable.failed]).toEqual([0, 4]);
    await close?.();
    close = undefined;
    const refused = await runLoad(plan({ requests: 2 }), httpGet(url));
    expect([refused.ok, refused.failed]).toEqual([0, 2]);
  });

  it('serves GET only, and turns a throwing handler into a 500', async () => {
    const url = await serve(new Hono().get('/', (c) => c.text('ok')));
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    for (const handler of [
      () => { throw new Error('sync'); },
      () => Promise.reject(new Error('async')),
    ]) {
      const server = await listenOnLoopback(handler);
      try {
        expect((await fetch(server.url)).status).toBe(500);
      } finally {
        await server.close();
      }
    }
  });
});

describe('runLoad with a client that ignores its signal', () => {
  it('still fails each request at the timeout and ends the run', async () => {
    const deaf: Send = () => new Promise(() => {}); // never settles
    const result = await runLoad(plan({ requests: 2, timeoutMs: 30 }), deaf);
    expect([result.sent, result.ok, result.failed]).toEqual([2, 0, 2]);
  }, 2_000);

  it('counts a client that throws before it returns as a failure', async () => {
    const clock = new VirtualClock();
    const broken: Send = () => { throw new TypeError('Invalid URL'); };
    const result = await clock.run(runLoad(plan({ requests: 3 }), broken, clock));
    expect([result.sent, result.ok, result.failed]).toEqual([3, 0, 3]);
  });
});

describe('realClock', () => {
  it('never wakes before the time it was asked for', async () => {
    const due = realClock.now() + 5.5;
    await realClock.sleepUntil(due);
    expect(realClock.now()).toBeGreaterThanOrEqual(due);
  });
});
