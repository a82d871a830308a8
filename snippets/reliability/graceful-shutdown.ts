/**
 * Draining a node:http server on SIGTERM: fail readiness, keep serving
 * while load balancers catch up, stop accepting, let in-flight requests
 * finish, and cut the rest off at a deadline inside Kubernetes'
 * termination grace period (30 s unless the Pod sets another).
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 * @see https://nodejs.org/api/http.html#serverclosecallback
 */
import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DrainOptions {
  /** Called first: flip readiness to 503. */
  onDrain: () => void;
  /** Keep accepting while endpoints and load balancers update. */
  delayMs: number;
  /** From the signal to forced close; keep it under the grace period. */
  deadlineMs: number;
  /** Waits `ms` unless `signal` aborts first (then it may reject). */
  wait?: (ms: number, signal: AbortSignal) => Promise<unknown>;
}

export type Outcome = 'drained' | 'forced';

function checkMs(name: string, ms: number) {
  if (!Number.isInteger(ms) || ms < 0) {
    throw new RangeError(`${name} must be an integer >= 0, got ${ms}`);
  }
}

// #region drain
export function gracefulShutdown(server: Server, options: DrainOptions) {
  const { onDrain, delayMs, deadlineMs } = options;
  checkMs('delayMs', delayMs);
  checkMs('deadlineMs', deadlineMs);
  if (deadlineMs <= delayMs) throw new RangeError('deadlineMs <= delayMs');
  const wait = options.wait
    ?? ((ms, signal) => sleep(ms, undefined, { signal, ref: false }));
  const active = new Set<ServerResponse>();
  let draining = false;

  // Prepended: the app's own handler may answer synchronously.
  server.prependListener('request', (_req, res: ServerResponse) => {
    active.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.on('close', () => {
      active.delete(res);
      // A finished keep-alive connection would hold close() open.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  let outcome: Promise<Outcome> | undefined;
  return function shutdown(): Promise<Outcome> {
    outcome ??= (async () => {
      draining = true;
      onDrain();
      for (const res of active) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
      }
      const timer = new AbortController();
      const deadline = wait(deadlineMs, timer.signal)
        .then(() => 'forced' as const, () => 'drained' as const);
      const drained = wait(delayMs, timer.signal)
        .then(() => new Promise<void>((resolve) => {
          // Stops accepting and closes idle connections (Node 19+);
          // calls back once the last in-flight response is done.
          server.close(() => resolve());
        }))
        .then(() => 'drained' as const);
      const result = await Promise.race([drained, deadline]);
      timer.abort();
      if (result === 'forced') server.closeAllConnections();
      return result;
    })();
    return outcome;
  };
}
// #endregion drain

// #region signals
/** SIGTERM (Kubernetes) and SIGINT (Ctrl-C) both drain, once. */
export function exitOnSignals(
  proc: Pick<NodeJS.Process, 'on'>,
  shutdown: () => Promise<Outcome>,
  exit: (code: number) => void,
) {
  const handler = () => {
    shutdown().then((result) => exit(result === 'drained' ? 0 : 1),
      () => exit(1));
  };
  proc.on('SIGTERM', handler);
  proc.on('SIGINT', handler);
}
// #endregion signals
