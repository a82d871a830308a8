/**
 * A circuit breaker (Nygard, Release It!; Fowler's CircuitBreaker bliki):
 * closed while calls mostly succeed; open, failing fast without calling,
 * once the failure rate over the last `windowSize` calls reaches the
 * threshold; half-open after `openMs`, letting a bounded number of probes
 * through. Probes that all succeed close it; one failure opens it again.
 * The clock is injected, so every transition is tested without waiting.
 * @see https://martinfowler.com/bliki/CircuitBreaker.html
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What one call says about the dependency's health. */
export type Health = 'success' | 'failure' | 'ignore';

export interface BreakerOptions<T> {
  /** Outcomes of the last N calls are kept: 1-1000. */
  windowSize: number;
  /** No verdict before this many calls are in the window. */
  minimumCalls: number;
  /** Open when failures / calls reaches this: (0, 1]. */
  failureRate: number;
  /** Outcomes older than this drop out of the window (optional). */
  windowMs?: number;
  /** How long the circuit stays open before probing. */
  openMs: number;
  /** Probes allowed while half-open; all must succeed to close. */
  probes: number;
  now: () => number;
  /** Default: a value is a success, any thrown error a failure. */
  classify?: (outcome: { ok: true; value: T } | { ok: false; error: unknown })
    => Health;
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  readonly retryInMs: number;
  constructor(retryInMs: number) {
    super(`circuit open: not calling the dependency for ${retryInMs} ms`);
    this.retryInMs = retryInMs;
  }
}

function check<T>(o: BreakerOptions<T>) {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`${name} must be an integer ${min}-${max}, got ${v}`);
    }
  };
  int('windowSize', o.windowSize, 1, 1000);
  int('minimumCalls', o.minimumCalls, 1, o.windowSize);
  int('probes', o.probes, 1, 100);
  if (!(o.failureRate > 0 && o.failureRate <= 1)) {
    throw new RangeError(`failureRate must be in (0, 1], got ${o.failureRate}`);
  }
  for (const [name, ms] of [['openMs', o.openMs], ['windowMs', o.windowMs]]) {
    if (ms !== undefined && !(Number.isFinite(ms) && Number(ms) > 0)) {
      throw new RangeError(`${name} must be a positive number, got ${ms}`);
    }
  }
}

/** HTTP: transport errors, timeouts and 5xx are failures; 4xx are not. */
export function httpHealth(
  outcome: { ok: true; value: Response } | { ok: false; error: unknown },
): Health {
  if (outcome.ok) return outcome.value.status >= 500 ? 'failure' : 'success';
  const { error } = outcome;
  // The caller cancelled: says nothing about the dependency.
  if (error instanceof DOMException && error.name === 'AbortError') {
    return 'ignore';
  }
  return 'failure';
}

// #region breaker
export class CircuitBreaker<T = unknown> {
  #state: CircuitState = 'closed';
  #window: { at: number; failed: boolean }[] = [];
  #openedAt = 0;
  #probesStarted = 0;
  #probesPassed = 0;
  #epoch = 0; // bumped on every transition; late outcomes are dropped
  readonly #o: BreakerOptions<T>;

  constructor(options: BreakerOptions<T>) {
    check(options);
    this.#o = options;
  }

  get state(): CircuitState {
    const { openMs, now } = this.#o;
    if (this.#state === 'open' && now() - this.#openedAt >= openMs) {
      this.#moveTo('half-open');
    }
    return this.#state;
  }

  async run(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open') {
      throw new CircuitOpenError(this.#openedAt + this.#o.openMs
        - this.#o.now());
    }
    if (state === 'half-open') {
      // Only `probes` calls test the dependency; the rest fail fast.
      if (this.#probesStarted >= this.#o.probes) throw new CircuitOpenError(0);
      this.#probesStarted++;
    }
    const epoch = this.#epoch;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await call() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    let health: Health = 'failure'; // what a classifier that throws means
    try {
      health = this.#o.classify?.(outcome)
        ?? (outcome.ok ? 'success' : 'failure');
    } finally {
      // A call that started before the last transition is old news.
      if (epoch === this.#epoch) this.#record(health);
    }
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  #record(health: Health) {
    if (health === 'ignore') {
      if (this.#state === 'half-open') this.#probesStarted--; // free it
      return;
    }
    if (this.#state === 'half-open') {
      if (health === 'failure') return this.#moveTo('open');
      if (++this.#probesPassed >= this.#o.probes) this.#moveTo('closed');
      return;
    }
    const { windowSize, windowMs, minimumCalls, failureRate, now } = this.#o;
    const at = now();
    this.#window.push({ at, failed: health === 'failure' });
    if (this.#window.length > windowSize) this.#window.shift();
    if (windowMs !== undefined) {
      this.#window = this.#window.filter((c) => at - c.at < windowMs);
    }
    const calls = this.#window.length;
    const failures = this.#window.filter((c) => c.failed).length;
    if (calls >= minimumCalls && failures / calls >= failureRate) {
      this.#moveTo('open');
    }
  }

  #moveTo(next: CircuitState) {
    const from = this.#state;
    this.#state = next;
    this.#epoch++;
    this.#window = [];
    this.#probesStarted = 0;
    this.#probesPassed = 0;
    if (next === 'open') this.#openedAt = this.#o.now();
    this.#o.onStateChange?.(from, next);
  }
}
// #endregion breaker

if (import.meta.main) {
  let clock = 0;
  let healthy = false;
  const breaker = new CircuitBreaker<Response>({
    windowSize: 10, minimumCalls: 5, failureRate: 0.5, openMs: 30_000,
    probes: 2, now: () => clock, classify: httpHealth,
    onStateChange: (from, to) =>
      console.log(`  t=${clock / 1000}s ${from} -> ${to}`),
  });
  const payments = async () =>
    new Response(null, { status: healthy ? 200 : 503 });
  const call = async (label: string) => {
    try {
      const response = await breaker.run(payments);
      console.log(`t=${clock / 1000}s ${label}: ${response.status}`);
    } catch (error) {
      console.log(`t=${clock / 1000}s ${label}: ${(error as Error).message}`);
    }
  };
  for (let i = 1; i <= 5; i++) await call(`call ${i}`);
  await call('call 6');
  clock = 30_000;
  healthy = true;
  await call('probe 1');
  await call('probe 2');
  await call('call 7');
}
