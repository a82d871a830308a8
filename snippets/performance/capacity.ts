/**
 * A capacity calculator: how many instances a service needs at its
 * forecast peak. The inputs are the ones an SRE team actually has: the
 * peak request rate, what one instance sustained in a load test while
 * meeting its latency objective, how much of that you are willing to use,
 * and which failures the fleet must survive at peak (an instance in a
 * rolling update, a crashed machine, a lost zone or region).
 * @see https://sre.google/sre-book/production-environment/ (Job and Data Organization)
 */

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
}

function count(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Rounds up, ignoring float dust: 1,200 / (400 × 0.75) is 4, not 5. */
function ceil(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, x) ? nearest : Math.ceil(x);
}

// #region littles-law
/**
 * Little's law, L = λW: the average number of requests inside a stable
 * system is the arrival rate times the average time each spends there.
 * W must be a mean (not a p99) and include time spent queued.
 */
export function inFlight(arrivalsPerSecond: number, meanSeconds: number) {
  positive('arrivalsPerSecond', arrivalsPerSecond);
  positive('meanSeconds', meanSeconds);
  return arrivalsPerSecond * meanSeconds;
}
// #endregion littles-law

// #region queueing
/**
 * The M/M/1 queue (random arrivals, one server, random service times):
 * the mean wait before service is S × ρ / (1 − ρ), so it grows without
 * bound as utilization ρ approaches 1. Real servers differ in detail,
 * not in the shape of the curve.
 */
export function mm1(arrivalsPerSecond: number, serviceSeconds: number) {
  positive('arrivalsPerSecond', arrivalsPerSecond);
  positive('serviceSeconds', serviceSeconds);
  const utilization = arrivalsPerSecond * serviceSeconds;
  if (utilization >= 1) {
    throw new RangeError(`utilization ${utilization.toFixed(3)} >= 1: ` +
      'arrivals outpace service and the queue grows without bound');
  }
  const waitSeconds = (serviceSeconds * utilization) / (1 - utilization);
  return {
    utilization,
    waitSeconds,
    responseSeconds: serviceSeconds + waitSeconds,
    inSystem: utilization / (1 - utilization), // L = λW, as a check
  };
}
// #endregion queueing

// #region per-instance
export interface LoadStep {
  /** The constant rate one instance was driven at (open loop). */
  rps: number;
  /** Its p99 latency at that rate, measured from each due time. */
  p99Ms: number;
  /** Fraction of requests that failed, 0 to 1. */
  errorRate: number;
}

/**
 * The highest tested rate at which one instance still met the latency
 * objective and error budget, with every lower rate meeting them too.
 */
export function capacityAtSlo(
  steps: readonly LoadStep[], slo: { p99Ms: number; maxErrorRate: number },
): number {
  checkLoadTest(steps, slo);
  const misses = (s: LoadStep) =>
    s.p99Ms > slo.p99Ms || s.errorRate > slo.maxErrorRate;
  // By rate, and a miss first among runs at the same rate: one failed
  // repeat disqualifies that rate.
  const byRate = [...steps].sort((a, b) =>
    a.rps - b.rps || Number(misses(b)) - Number(misses(a)));
  let capacity = 0;
  for (const s of byRate) {
    if (misses(s)) break;
    capacity = s.rps;
  }
  if (capacity === 0) {
    throw new RangeError('the lowest tested rate already misses the SLO: ' +
      'test lower rates, or fix the service first');
  }
  return capacity;
}
// #endregion per-instance

function checkLoadTest(
  steps: readonly LoadStep[], slo: { p99Ms: number; maxErrorRate: number },
): void {
  positive('slo.p99Ms', slo.p99Ms);
  if (!(slo.maxErrorRate >= 0 && slo.maxErrorRate < 1)) {
    throw new RangeError(
      `slo.maxErrorRate must be in [0, 1), got ${slo.maxErrorRate}`);
  }
  if (steps.length === 0) throw new RangeError('no load-test steps given');
  for (const s of steps) {
    positive('step rps', s.rps);
    positive('step p99Ms', s.p99Ms);
    if (!(s.errorRate >= 0 && s.errorRate <= 1)) {
      throw new RangeError(
        `step errorRate must be in [0, 1], got ${s.errorRate}`);
    }
  }
}

// #region plan
export interface PlanInput {
  /** Forecast peak for the whole service, requests per second. */
  peakRps: number;
  /** From capacityAtSlo: what one instance sustains within the SLO. */
  perInstanceRps: number;
  /** Fraction of that to plan on using at peak, in (0, 1]. */
  targetUtilization: number;
  /** Extra instances per domain: 2 for N+2 (one updating, one failed). */
  spares: number;
  /** Zones or regions that share the traffic evenly; 1 for none. */
  domains: number;
  /** How many domains may be lost at peak with the rest taking over. */
  domainLosses: number;
}

export function planCapacity(input: PlanInput) {
  positive('peakRps', input.peakRps);
  positive('perInstanceRps', input.perInstanceRps);
  const { targetUtilization: u, spares, domains, domainLosses } = input;
  if (!(u > 0 && u <= 1)) {
    throw new RangeError(`targetUtilization must be in (0, 1], got ${u}`);
  }
  count('spares', spares, 0);
  count('domains', domains, 1);
  count('domainLosses', domainLosses, 0);
  if (domainLosses >= domains) {
    throw new RangeError(`cannot lose ${domainLosses} of ${domains} ` +
      'domains and still serve: add domains or plan fewer losses');
  }
  const budgetRps = input.perInstanceRps * u; // per instance, at peak
  // After the losses, the surviving domains split the whole peak.
  const perDomainRps = input.peakRps / (domains - domainLosses);
  const perDomainNeeded = ceil(perDomainRps / budgetRps); // N
  const perDomain = perDomainNeeded + spares; // N + k
  return { budgetRps, perDomainRps, perDomainNeeded, perDomain,
    total: perDomain * domains };
}
// #endregion plan

if (import.meta.main) {
  // #region worked-example
  // A load test (open loop, see Q62), one instance, SLO p99 <= 300 ms:
  const perInstanceRps = capacityAtSlo([
    { rps: 100, p99Ms: 40, errorRate: 0 },
    { rps: 200, p99Ms: 55, errorRate: 0 },
    { rps: 300, p99Ms: 90, errorRate: 0 },
    { rps: 400, p99Ms: 210, errorRate: 0 },
    { rps: 500, p99Ms: 1_900, errorRate: 0.02 }, // past the knee
  ], { p99Ms: 300, maxErrorRate: 0.001 });

  const peakRps = 12_000;
  const naive = planCapacity({ peakRps, perInstanceRps,
    targetUtilization: 1, spares: 0, domains: 1, domainLosses: 0 });
  const safe = planCapacity({ peakRps, perInstanceRps,
    targetUtilization: 0.75, spares: 2, domains: 3, domainLosses: 1 });
  console.log(`one instance within the SLO: ${perInstanceRps} rps`);
  console.log(`naive: ${naive.total} instances, all at 100% of tested`);
  console.log(`3 zones, survive losing 1, 75% target, N+2 per zone: ` +
    `${safe.perDomain} per zone, ${safe.total} in all`);
  console.log(`in flight at peak, 80 ms mean: ${inFlight(peakRps, 0.08)}`);
  for (const rps of [50, 75, 90, 95]) {
    const q = mm1(rps, 0.01); // 10 ms of work per request
    console.log(`M/M/1 at ${q.utilization.toFixed(2)} busy: ` +
      `mean response ${(q.responseSeconds * 1000).toFixed(0)} ms`);
  }
  // #endregion worked-example
}
