import { describe, expect, it } from 'vitest';
import { mm1 } from '../performance/capacity.ts';
import { simulatePool } from './pool-simulation.ts';

const base = { cores: 4, arrivalsPerSecond: 800, serviceMs: 4,
  contention: 0.05, requests: 20_000 };

describe('simulatePool', () => {
  it('is deterministic for a seed, and differs for another', () => {
    const a = simulatePool({ ...base, poolSize: 4, requests: 2_000 });
    expect(simulatePool({ ...base, poolSize: 4, requests: 2_000 })).toEqual(a);
    expect(simulatePool({ ...base, poolSize: 4, requests: 2_000, seed: 2 }))
      .not.toEqual(a);
  });

  it('matches the M/M/1 formula with one connection, one core', () => {
    const sim = simulatePool({ poolSize: 1, cores: 1, arrivalsPerSecond: 100,
      serviceMs: 5, requests: 100_000 });
    const model = mm1(100, 0.005); // 50% busy: 10 ms response
    expect(sim.meanLatencyMs / (model.responseSeconds * 1000))
      .toBeGreaterThan(0.9);
    expect(sim.meanLatencyMs / (model.responseSeconds * 1000))
      .toBeLessThan(1.1);
  });

  it("obeys Little's law: in system = throughput x latency", () => {
    const r = simulatePool({ ...base, poolSize: 6 });
    const little = (r.throughputPerSecond / 1000) * r.meanLatencyMs;
    expect(r.meanInSystem / little).toBeGreaterThan(0.99);
    expect(r.meanInSystem / little).toBeLessThan(1.01);
  });

  it('a pool below the core count queues; one far above it thrashes', () => {
    const latency = (poolSize: number) =>
      simulatePool({ ...base, poolSize }).meanLatencyMs;
    const best = latency(4);
    expect(latency(2)).toBeGreaterThan(100 * best); // 50% of the cores idle
    expect(latency(3)).toBeGreaterThan(10 * best);
    expect(latency(8)).toBeGreaterThan(best);
    expect(latency(32)).toBeGreaterThan(100 * best);
  });

  it('without contention, a bigger pool costs nothing: the knee is only queueing', () => {
    const latency = (poolSize: number) => simulatePool(
      { ...base, contention: 0, poolSize }).meanLatencyMs;
    expect(latency(32)).toBeLessThan(latency(4) * 1.05); // sampling noise
    expect(latency(2)).toBeGreaterThan(100 * latency(4));
  });

  it('waits nothing when the pool has room for every request', () => {
    const r = simulatePool({ poolSize: 1_000, cores: 256,
      arrivalsPerSecond: 10, serviceMs: 1, requests: 500 });
    expect(r.meanWaitMs).toBe(0);
  });

  it('refuses nonsense input with the name of the field', () => {
    const ok = { ...base, poolSize: 4 };
    expect(() => simulatePool({ ...ok, poolSize: 0 })).toThrow(/poolSize/);
    expect(() => simulatePool({ ...ok, cores: Number.NaN })).toThrow(/cores/);
    expect(() => simulatePool({ ...ok, arrivalsPerSecond: -1 }))
      .toThrow(/arrivalsPerSecond/);
    expect(() => simulatePool({ ...ok, serviceMs: Infinity }))
      .toThrow(/serviceMs/);
    expect(() => simulatePool({ ...ok, contention: 2 })).toThrow(/contention/);
    expect(() => simulatePool({ ...ok, requests: 0 })).toThrow(/requests/);
    // Counts are whole: 2.5 connections would act as 3, and 1.5 requests
    // would run 2 and divide their total latency by 1.5.
    expect(() => simulatePool({ ...ok, poolSize: 2.5 })).toThrow(/poolSize/);
    expect(() => simulatePool({ ...ok, cores: 3.5 })).toThrow(/cores/);
    expect(() => simulatePool({ ...ok, requests: 1.5 })).toThrow(/requests/);
  });
});
