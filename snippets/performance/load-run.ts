/**
 * A bounded, open-loop load run. Requests are scheduled at a constant rate
 * whether or not earlier ones have answered, and each latency is measured
 * from the moment the request was due, not from when it was finally sent.
 * A closed-loop client (send, wait, send again) stops sending while the
 * server stalls, so the stall is recorded once instead of once per request
 * that real users would have sent: Gil Tene's "coordinated omission".
 * wrk2 uses the same plan-based measurement.
 * @see https://github.com/giltene/wrk2#acknowledgements
 */
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyHistogram } from './histogram.ts';

export interface LoadPlan {
  /** Offered load: requests per second, scheduled evenly. */
  ratePerSecond: number;
  /** Stop after this many requests... */
  requests: number;
  /** ...or when this many milliseconds have passed, whichever is first. */
  maxDurationMs: number;
  /** Requests in flight at once (the connection pool). */
  maxInFlight: number;
  /** Per request; a request that takes longer counts as failed. */
  timeoutMs: number;
}

/** Time in milliseconds; injected so tests can run in virtual time. */
export interface LoadClock {
  now(): number;
  sleepUntil(at: number): Promise<void>;
}

/** Sends one request; resolves true for a success (e.g. a 2xx). */
export type Send = (signal: AbortSignal) => Promise<boolean>;

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests the bounds cut off before they were sent. */
  notSent: number;
  /** Successful requests per second over the run. */
  throughput: number;
  /** Successes, µs from when each was due (what users would feel). */
  latency: LatencyHistogram;
  /** Successes, µs from when each was sent (what a naive tool reports). */
  serviceTime: LatencyHistogram;
}

export const realClock: LoadClock = {
  now: () => performance.now(),
  sleepUntil: async (at) => {
    // Timers may fire a fraction of a millisecond early: wait until due.
    for (let wait = at - performance.now(); wait > 0;
      wait = at - performance.now()) await sleep(Math.ceil(wait));
  },
};

const LIMITS = {
  ratePerSecond: 100_000, requests: 1_000_000, maxDurationMs: 3_600_000,
  maxInFlight: 10_000, timeoutMs: 600_000,
} as const;

function checkPlan(plan: LoadPlan): void {
  for (const [key, max] of Object.entries(LIMITS)) {
    const value = plan[key as keyof LoadPlan];
    const integer = key === 'requests' || key === 'maxInFlight';
    if (typeof value !== 'number' || !(value > 0) || value > max ||
        (integer && !Number.isInteger(value))) {
      throw new RangeError(`${key} must be a positive ${integer ? 'integer' :
        'number'} no larger than ${max}, got ${String(value)}`);
    }
  }
}

/** Resolves false once `signal` aborts. */
const aborted = (signal: AbortSignal) => new Promise<boolean>((resolve) => {
  signal.addEventListener('abort', () => resolve(false), { once: true });
});

const micros = (ms: number, highest: number) =>
  Math.min(highest, Math.max(0, Math.round(ms * 1000)));

// #region open-loop
export async function runLoad(
  plan: LoadPlan, send: Send, clock: LoadClock = realClock,
): Promise<LoadResult> {
  checkPlan(plan);
  // Latency from the due time can reach the whole run plus a timeout.
  const highest = Math.ceil((plan.maxDurationMs + plan.timeoutMs) * 1000);
  const latency = new LatencyHistogram({ highest, digits: 3 });
  const serviceTime = new LatencyHistogram({ highest, digits: 3 });
  const start = clock.now();
  const interval = 1000 / plan.ratePerSecond;
  const inFlight = new Set<Promise<void>>();
  let sent = 0, ok = 0, lastDone = start;

  const one = async (due: number) => {
    const sentAt = clock.now();
    const signal = AbortSignal.timeout(plan.timeoutMs);
    let success = false; // refused, reset, aborted, thrown: all failures
    try { // the race ends the request even if `send` ignores the signal
      success = await Promise.race([send(signal), aborted(signal)]);
    } catch {}
    const done = clock.now();
    lastDone = Math.max(lastDone, done);
    if (!success || done - sentAt > plan.timeoutMs) return;
    ok++;
    latency.record(micros(done - due, highest));
    serviceTime.record(micros(done - sentAt, highest));
  };

  for (let i = 0; i < plan.requests; i++) {
    const due = start + i * interval; // the plan, not the last response
    if (due - start >= plan.maxDurationMs) break;
    await clock.sleepUntil(due);
    while (inFlight.size >= plan.maxInFlight) await Promise.race(inFlight);
    if (clock.now() - start >= plan.maxDurationMs) break;
    const request: Promise<void> = one(due)
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    sent++;
  }
  await Promise.all(inFlight);
  const seconds = (lastDone - start) / 1000;
  return {
    sent, ok, failed: sent - ok, notSent: plan.requests - sent,
    throughput: seconds > 0 ? ok / seconds : 0, latency, serviceTime,
  };
}
// #endregion open-loop

/** A GET that succeeds on 2xx, with latency to the body's last byte. */
export function httpGet(url: string): Send {
  return async (signal) => {
    const response = await fetch(url, { signal });
    await response.arrayBuffer();
    return response.ok;
  };
}

/**
 * Serves a Web-standard fetch handler (such as a Hono app's `app.fetch`)
 * on 127.0.0.1 at a free port, for GET and HEAD requests only.
 */
export async function listenOnLoopback(
  handler: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    Promise.resolve()
      .then(() => handler(new Request(url, { method, headers })))
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(body);
      })
      .catch(() => { if (!res.headersSent) res.writeHead(500); res.end(); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('server did not bind a TCP port');
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Virtual time for tests and the demo: `sleepUntil` waits in a queue, and
 * `run` releases the earliest sleeper once nothing else can happen, so a
 * simulated server can "take" seconds in microseconds, deterministically.
 */
export class VirtualClock implements LoadClock {
  #now = 0;
  #sleepers: { at: number; seq: number; wake: () => void }[] = [];
  #seq = 0;

  now(): number { return this.#now; }

  sleepUntil(at: number): Promise<void> {
    return new Promise((wake) => {
      this.#sleepers.push({ at: Math.max(at, this.#now), seq: this.#seq++, wake });
    });
  }

  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => { settled = true; });
    done.catch(() => {}); // rejection is re-thrown by the await below
    while (true) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return done;
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#sleepers.shift();
      if (next === undefined) throw new Error('deadlock: nothing is waiting');
      this.#now = next.at;
      next.wake();
    }
  }
}

if (import.meta.main) {
  // #region coordinated-omission
  // One connection, 100 requests/s for 10 s, a 1 ms server that stalls for
  // 2 seconds once (a GC pause, a failover, a lock).
  const clock = new VirtualClock();
  let n = 0;
  const stallingServer: Send = async () => {
    const work = n++ === 300 ? 2_000 : 1;
    await clock.sleepUntil(clock.now() + work);
    return true;
  };
  const plan = { ratePerSecond: 100, requests: 1_000, maxDurationMs: 20_000,
    maxInFlight: 1, timeoutMs: 5_000 };
  const result = await clock.run(runLoad(plan, stallingServer, clock));
  const ms = (h: LatencyHistogram, p: number) =>
    `${(h.percentile(p) / 1000).toFixed(1)} ms`.padStart(10);
  console.log(`${result.ok} ok, ${result.failed} failed, ` +
    `${result.throughput.toFixed(1)} requests/s`);
  console.log('          from send   from due time');
  for (const p of [50, 75, 90, 99, 100]) {
    const label = p === 100 ? 'max' : `p${p}`;
    console.log(`${label.padEnd(6)} ${ms(result.serviceTime, p)}` +
      `  ${ms(result.latency, p)}`);
  }
  // #endregion coordinated-omission
}
