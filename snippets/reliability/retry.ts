/**
 * The one retry loop for any remote call: capped, jittered backoff between
 * tries; a timeout per try under one overall deadline (AbortSignal.any);
 * a classifier that decides which outcomes are worth another try; a
 * server's Retry-After honoured but capped; and a retry budget shared by
 * all calls, so a dependency that is down gets almost no extra load.
 * HTTP's rules sit on top of it in Q32's module
 * (snippets/http/retry-idempotent.ts: `httpVerdict`, `withRetries`).
 */
import { fullJitter } from './backoff.ts';
import type { RetryBudget } from './retry-budget.ts';

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: unknown };

/** "done": hand the outcome to the caller; otherwise try again. */
export type Verdict = 'done' | 'retry' | { retryAfterMs: number };

export type GiveUp = 'attempts' | 'budget' | 'deadline' | 'retry-after';

export type RetryEvent =
  | { type: 'retry'; attempt: number; waitMs: number }
  | { type: 'give-up'; attempt: number; reason: GiveUp };

export interface RetryPolicy<T> {
  classify: (outcome: Outcome<T>) => Verdict;
  /** Tries in total, the first included: 1-10 (1: no retry). Default 3. */
  maxAttempts?: number;
  /** Longest one try may take. Default 10 s. */
  attemptTimeoutMs?: number;
  /** Longest all tries and waits may take together. Default 30 s. */
  deadlineMs?: number;
  /** A Retry-After longer than this ends the loop. Default: deadlineMs. */
  maxRetryAfterMs?: number;
  /** Wait before retry n (1, 2, …). Default: full jitter, 100 ms to 5 s. */
  backoff?: (n: number) => number;
  /** Shared by every call to the same dependency. */
  budget?: RetryBudget;
  /** The caller's own cancellation. */
  signal?: AbortSignal;
  /** Frees an outcome that will not be returned (a response body). */
  discard?: (value: T) => Promise<void> | void;
  onEvent?: (event: RetryEvent) => void;
  now?: () => number;
  /** Waits `ms` unless `signal` aborts first; tests pass a fake. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A signal that aborts after `ms`; tests pass one they fire by hand. */
  timeout?: (ms: number) => AbortSignal;
}

const MAX_TIMER_MS = 2 ** 31 - 1; // Node fires longer timers after 1 ms

function positiveMs(name: string, ms: number) {
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) {
    throw new RangeError(`${name} must be 1-${MAX_TIMER_MS} ms, got ${ms}`);
  }
  return ms;
}

/** Waits `ms`; a caller that aborts ends the wait with its own reason. */
const sleepUnlessAborted = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The policy with its defaults, checked. Wrappers call it when they are
 * built, so a bad setting fails at start-up rather than on the first call.
 */
export function retrySettings<T>(policy: Omit<RetryPolicy<T>, 'classify'>) {
  const { maxAttempts = 3 } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new RangeError(`maxAttempts must be 1-10, got ${maxAttempts}`);
  }
  const deadlineMs = positiveMs('deadlineMs', policy.deadlineMs ?? 30_000);
  const maxRetryAfterMs = policy.maxRetryAfterMs ?? deadlineMs;
  if (!(maxRetryAfterMs >= 0)) {
    throw new RangeError(
      `maxRetryAfterMs must be >= 0, got ${maxRetryAfterMs}`);
  }
  const backoff = policy.backoff ?? fullJitter({ baseMs: 100, capMs: 5_000 });
  return {
    maxAttempts, maxRetryAfterMs, deadlineMs,
    attemptTimeoutMs: positiveMs('attemptTimeoutMs',
      policy.attemptTimeoutMs ?? 10_000),
    backoff: (n: number) => {
      const ms = backoff(n);
      if (!(ms >= 0 && ms <= MAX_TIMER_MS)) {
        throw new RangeError(
          `backoff(${n}) must be 0-${MAX_TIMER_MS} ms, got ${ms}`);
      }
      return ms;
    },
    signal: policy.signal ?? new AbortController().signal,
    now: policy.now ?? Date.now,
    sleep: policy.sleep ?? sleepUnlessAborted,
    // AbortSignal.timeout takes whole ms; a fractional clock gives parts.
    timeout: policy.timeout
      ?? ((ms: number) => AbortSignal.timeout(Math.ceil(ms))),
  };
}

// #region retry-loop
export async function retry<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy<T>,
): Promise<T> {
  const { maxAttempts, attemptTimeoutMs, deadlineMs, maxRetryAfterMs,
    backoff, signal: caller, now, sleep, timeout } = retrySettings(policy);
  const { classify, budget, discard, onEvent } = policy;
  const deadline = now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    caller.throwIfAborted();
    // This try's own timer, never past the overall deadline.
    const limit = Math.min(attemptTimeoutMs, deadline - now());
    const signal = AbortSignal.any([caller, timeout(limit)]);
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await operation(signal) };
    } catch (error) {
      if (caller.aborted) throw error; // the caller gave up: stop now
      outcome = { ok: false, error };
    }
    const verdict = classify(outcome);
    const finish = (): T => {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    };
    if (verdict === 'done') {
      if (outcome.ok) budget?.recordSuccess(); // a real answer
      return finish();
    }
    budget?.recordFailure();
    const hinted = typeof verdict === 'object' ? verdict.retryAfterMs : null;
    const giveUp = (reason: GiveUp): T => {
      onEvent?.({ type: 'give-up', attempt, reason });
      return finish(); // the last real outcome, not a generic error
    };
    if (attempt >= maxAttempts) return giveUp('attempts');
    if (budget && !budget.canRetry()) return giveUp('budget');
    if (hinted !== null && hinted > maxRetryAfterMs) {
      return giveUp('retry-after');
    }
    const waitMs = hinted ?? backoff(attempt);
    if (now() + waitMs >= deadline) return giveUp('deadline');
    onEvent?.({ type: 'retry', attempt, waitMs });
    if (outcome.ok) await discard?.(outcome.value);
    await sleep(waitMs, caller);
    // A late timer or a busy event loop can overrun the wait.
    if (now() >= deadline) return giveUp('deadline');
  }
}
// #endregion retry-loop
