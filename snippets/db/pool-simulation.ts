/**
 * A toy model of an application's connection pool in front of a database,
 * to see latency against pool size. Requests arrive at random (Poisson),
 * take a connection if one is free or wait in the pool's FIFO queue, and
 * then share the database's cores. It is a model, not a benchmark: the
 * contention term stands for what real servers lose to context switches,
 * lock and buffer contention when more queries run than there are cores,
 * and its size is an assumption. Deterministic: randomness is seeded.
 */
import { seededRandom } from '../reliability/backoff.ts';

export interface SimulationInput {
  /** Connections the pool may hand out at once. */
  poolSize: number;
  /** Database cores: queries that run at full speed at the same time. */
  cores: number;
  /** Mean arrivals per second (exponential gaps). */
  arrivalsPerSecond: number;
  /** Mean CPU time one query needs, in ms (exponential). */
  serviceMs: number;
  /** Slowdown per query running beyond `cores`: 0.05 = 5% each. */
  contention?: number;
  requests?: number;
  seed?: number;
}

export interface SimulationResult {
  meanWaitMs: number; meanLatencyMs: number; p99LatencyMs: number;
  throughputPerSecond: number; meanInSystem: number;
}

function check(name: string, value: number, min: number, max: number) {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be ${min}-${max}, got ${value}`);
  }
}

/** A count: a whole number in range. */
function count(name: string, value: number, min: number, max: number) {
  check(name, value, min, max);
  if (!Number.isInteger(value)) {
    throw new RangeError(`${name} must be a whole number, got ${value}`);
  }
}

// #region simulate
export function simulatePool(input: SimulationInput): SimulationResult {
  const { poolSize, cores, arrivalsPerSecond, serviceMs,
    contention = 0, requests = 5_000, seed = 1 } = input;
  count('poolSize', poolSize, 1, 1_000);
  count('cores', cores, 1, 256);
  check('arrivalsPerSecond', arrivalsPerSecond, 0.001, 1e6);
  check('serviceMs', serviceMs, 0.001, 60_000);
  check('contention', contention, 0, 1);
  count('requests', requests, 1, 1e6);
  const random = seededRandom(seed);
  const exp = (mean: number) => -mean * Math.log(1 - random());

  // Every query runs at this fraction of one core's speed.
  const speed = (n: number) => Math.min(1, cores / n)
    / (1 + contention * Math.max(0, n - cores));
  const running: { arrived: number; left: number }[] = [];
  const queue: { arrived: number; work: number }[] = [];
  const latencies: number[] = [];
  let now = 0, waited = 0, area = 0, arrived = 0;
  let nextArrival = exp(1000 / arrivalsPerSecond);

  while (latencies.length < requests) {
    const rate = speed(running.length);
    const soonest = Math.min(...running.map((q) => q.left / rate));
    const arrival = arrived < requests ? nextArrival : Infinity;
    const dt = Math.min(soonest, arrival - now);
    area += (running.length + queue.length) * dt; // for Little's law
    for (const q of running) q.left -= dt * rate;
    now += dt;
    if (now >= arrival) {
      queue.push({ arrived: now, work: exp(serviceMs) });
      arrived++;
      nextArrival = now + exp(1000 / arrivalsPerSecond);
    }
    for (let i = running.length - 1; i >= 0; i--) {
      if (running[i]!.left > 1e-9) continue;
      latencies.push(now - running[i]!.arrived);
      running.splice(i, 1); // the connection goes back to the pool
    }
    while (running.length < poolSize && queue.length > 0) {
      const next = queue.shift()!; // FIFO, as pg's pool queues
      waited += now - next.arrived;
      running.push({ arrived: next.arrived, left: next.work });
    }
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((s, x) => s + x, 0) / requests;
  return {
    meanWaitMs: waited / requests, meanLatencyMs: mean,
    p99LatencyMs: latencies[Math.ceil(requests * 0.99) - 1]!,
    throughputPerSecond: (requests / now) * 1000, meanInSystem: area / now,
  };
}
// #endregion simulate

if (import.meta.main) {
  const base = { cores: 4, arrivalsPerSecond: 800, serviceMs: 4,
    contention: 0.05, requests: 20_000 };
  console.log('4 cores, 800 queries/s of 4 ms each (80% busy at best)');
  console.log('pool  wait ms  latency ms  p99 ms');
  for (const poolSize of [2, 3, 4, 6, 8, 16, 32]) {
    const r = simulatePool({ ...base, poolSize });
    const f = (x: number, w: number) => x.toFixed(1).padStart(w);
    console.log(`${String(poolSize).padStart(4)} ${f(r.meanWaitMs, 8)}`
      + ` ${f(r.meanLatencyMs, 11)} ${f(r.p99LatencyMs, 7)}`);
  }
}
