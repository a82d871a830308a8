/**
 * SLIs, SLOs and error budgets for a request-driven API. The SLI is the
 * share of valid requests that were good; the SLO is the target for it over
 * a compliance period; the error budget is what the target leaves over.
 * @see https://sre.google/sre-book/service-level-objectives/
 * @see https://sre.google/sre-book/embracing-risk/
 */

const DAY = 24 * 60 * 60 * 1000;

// #region error-budget
export interface Slo {
  /** The target share of good requests, such as 0.999. */
  objective: number;
  /** The compliance period the target is measured over, in ms. */
  periodMs: number;
}

export function defineSlo(objective: number, periodDays = 30): Slo {
  if (!(objective > 0 && objective < 1)) {
    throw new RangeError(`objective must be > 0 and < 1; got ${objective}`);
  }
  if (!Number.isInteger(periodDays) || periodDays < 1 || periodDays > 366) {
    throw new RangeError(`periodDays must be 1-366; got ${periodDays}`);
  }
  return { objective, periodMs: periodDays * DAY };
}

/** The share of requests allowed to fail: 0.001 for 99.9%. */
export function errorBudget(slo: Slo): number {
  return Number((1 - slo.objective).toPrecision(12)); // 0.999 -> 0.001
}

/** Which requests the SLI counts, and as what. */
export function classify(
  status: number, latencyMs: number, maxLatencyMs: number,
): 'good' | 'bad' | 'excluded' {
  if (status >= 500) return 'bad'; // the service failed
  if (status >= 400) return 'excluded'; // the caller's mistake
  return latencyMs > maxLatencyMs ? 'bad' : 'good'; // too slow is a failure
}

export interface BudgetStatus {
  sli: number; // good / valid
  remaining: number; // 1 = untouched, 0 = spent, below 0 = overspent
}

export function budgetStatus(
  slo: Slo, good: number, bad: number,
): BudgetStatus {
  for (const n of [good, bad]) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`counts must be whole numbers >= 0; got ${n}`);
    }
  }
  const valid = good + bad;
  if (valid === 0) return { sli: 1, remaining: 1 }; // nothing to judge yet
  const allowedBad = valid * errorBudget(slo);
  return { sli: good / valid, remaining: 1 - bad / allowedBad };
}

/** The same budget spent as one full outage, in minutes. */
export function outageMinutes(slo: Slo): number {
  return Number(((slo.periodMs * errorBudget(slo)) / 60_000).toFixed(3));
}
// #endregion error-budget

if (import.meta.main) {
  const slo = defineSlo(0.999, 30);
  console.log(`99.9% over 30 days: budget ${errorBudget(slo) * 100}% ` +
    `= ${outageMinutes(slo)} minutes of full outage`);
  for (const [good, bad] of [[1_998_500, 1_500], [998_000, 2_000]]) {
    const s = budgetStatus(slo, good!, bad!);
    const n = (good! + bad!).toLocaleString('en-US');
    console.log(`${n} requests, ${bad!.toLocaleString('en-US')} bad: SLI ` +
      `${(s.sli * 100).toFixed(3)}%, budget left ${Math.round(s.remaining * 100)}%`);
  }
  console.log(`404 in 20 ms: ${classify(404, 20, 300)}; ` +
    `200 in 450 ms: ${classify(200, 450, 300)}; 503: ${classify(503, 5, 300)}`);
}
