/**
 * One error path for the whole API. Whatever a handler throws leaves as
 * an RFC 9457 problem carrying the request id; a safe description of the
 * exception (its class, code and stack frames, never its message) goes
 * to the log under that same id, and nothing of it into the response.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html
 */
import { Hono, type Context, type Env } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { RequestIdVariables } from 'hono/request-id';
import {
  AppError, codeForStatus, problemForStatus, toProblem,
} from './error-catalog.ts';
import { describeError, type ErrorDescription } from './error-log.ts';
import {
  requestContext, type RequestContextOptions,
} from '../observability/request-context.ts';

export type { ErrorDescription } from './error-log.ts';

/** The context variables this module relies on. */
export interface ProblemEnv extends Env { Variables: RequestIdVariables }

/** One structured log entry per failed request. */
export interface ErrorLogEntry {
  level: 'info' | 'error';
  requestId: string;
  method: string;
  /**
   * The path as sent, still percent-encoded (so `%0d%0a` cannot forge a
   * log line), without its query string, which can carry tokens.
   */
  path: string;
  /** The route pattern that matched, e.g. `/orders/:id`. */
  route: string;
  status: number;
  /** Catalog code, or `about:blank` for a status the catalog lacks. */
  code: string;
  /** The exception, for 5xx responses and errors with a cause. */
  error?: ErrorDescription;
}

export type ErrorLog = (entry: ErrorLogEntry) => void;

export interface ErrorHandlingOptions extends RequestContextOptions {
  log: ErrorLog;
}

/** The request facts every log entry and problem needs. */
interface Seen {
  requestId: string; method: string; path: string; route: string;
}

// A broken log sink must not turn a 404 into a crash (OWASP Logging
// Cheat Sheet: logging failures must not stop the application).
function neverThrows(log: ErrorLog): ErrorLog {
  return (entry) => {
    try {
      log(entry);
    } catch {
      // Nowhere left to report it; the response still goes out.
    }
  };
}

// #region install
/**
 * Routes every failure in `app` through one handler. Call it before any
 * route: Hono runs middleware in the order it was added. (Express is
 * different: its error handler is registered last, after the routes.)
 */
export function useProblemErrors<E extends ProblemEnv>(app: Hono<E>,
  { log: unsafeLog, ...ids }: ErrorHandlingOptions,
): void {
  const log = neverThrows(unsafeLog);
  // The one request id middleware (Q52): a no-op if the app has already
  // installed it. A client's own X-Request-Id is ignored.
  app.use(requestContext(ids));
  // Hono passes only Error instances to onError: wrap `throw "text"`.
  app.use(async (_c, next) => {
    try {
      await next();
    } catch (thrown) {
      throw thrown instanceof Error ? thrown
        : new Error('non-Error value thrown', { cause: thrown });
    }
  });
  app.onError((err, c) => {
    if (err instanceof AppError) return expected(seen(c), err, log);
    if (err instanceof HTTPException) return fromHono(seen(c), err, log);
    return unexpected(seen(c), err, log);
  });
  app.notFound((c) => expected(seen(c), new AppError('not-found', {
    detail: 'No resource at this path.',
  }), log));
}
// #endregion install

function seen<E extends ProblemEnv>(c: Context<E>): Seen {
  return { requestId: c.var.requestId, method: c.req.method,
    path: new URL(c.req.url).pathname, route: c.req.routePath };
}

function entry(at: Seen, status: number, code: string): ErrorLogEntry {
  return { level: status >= 500 ? 'error' : 'info', ...at, status, code };
}

/** An AppError: the client gets its catalog problem, as designed. */
function expected(at: Seen, err: AppError, log: ErrorLog): Response {
  const line = entry(at, err.status, err.code);
  if (err.status >= 500 || err.cause !== undefined) line.error = describeError(err);
  log(line);
  const id = line.requestId;
  return toProblem(err, { requestId: id }, { 'X-Request-Id': id });
}

// Hono's own middleware (bearerAuth, bodyLimit, timeout) throw these.
// Keep the status and the headers it set, not the message text, and
// answer with the catalog's type for that status, as our own code would.
const KEPT = ['WWW-Authenticate', 'Allow', 'Retry-After'];
// A 401 MUST carry a challenge and a 405 its Allow list (RFC 9110
// §15.5.2, §15.5.6). AppError refuses to exist without them; a bare
// HTTPException(401) is the same bug, so it gets the same 500.
const REQUIRED: Record<number, string> = {
  401: 'WWW-Authenticate', 405: 'Allow',
};

function fromHono(at: Seen, err: HTTPException, log: ErrorLog): Response {
  const status = err.status as number;
  const headers: Record<string, string> = { 'X-Request-Id': at.requestId };
  for (const name of KEPT) {
    const value = err.res?.headers.get(name);
    if (value) headers[name] = value;
  }
  const required = REQUIRED[status];
  if (!Number.isInteger(status) || status < 400 || status > 599
    || (required !== undefined && !headers[required])) {
    return unexpected(at, err, log);
  }
  const line = entry(at, status, codeForStatus(status) ?? 'about:blank');
  if (status >= 500) line.error = describeError(err);
  log(line);
  return problemForStatus(status, { requestId: line.requestId }, headers);
}

// #region unexpected
/**
 * A failure nobody planned for. The client gets a generic 500 and the
 * request id. The log gets the same id with the error's class, code and
 * stack frames: never its message, which may hold SQL or customer data.
 */
function unexpected(at: Seen, err: Error, log: ErrorLog): Response {
  const line = entry(at, 500, 'internal');
  line.error = describeError(err);
  log(line);
  const safe = new AppError('internal', {
    detail: 'Something failed on our side. Quote the request id to support.',
  });
  const id = line.requestId;
  return toProblem(safe, { requestId: id }, { 'X-Request-Id': id });
}
// #endregion unexpected

if (import.meta.main) {
  const logged: ErrorLogEntry[] = [];
  let n = 0;
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: (e) => logged.push(e), newId: () => `req-${++n}` });
  app.get('/orders/:id', () => { // a bug that shipped: a typo in the SQL
    const driver = Object.assign(
      new Error('column "emial" does not exist'), { code: '42703' });
    throw new Error("order query failed for 'ann@example.com'", { cause: driver });
  });
  app.get('/reports', () => { // planned: the reporting database is down
    throw new AppError('unavailable', { retryAfter: 120,
      detail: 'Reports are paused for maintenance.' });
  });
  // Frames hold this machine's file paths: shown here as a count.
  const short = (key: string, value: unknown) =>
    key === 'frames' ? '(frames)' : value;
  for (const path of ['/orders/42', '/reports']) {
    const res = await app.request(path);
    const retry = res.headers.get('Retry-After');
    console.log(`GET ${path} -> ${res.status}${retry ? `, Retry-After: ${retry}` : ''}`);
    console.log(`client sees: ${await res.text()}`);
    console.log(`log gets:    ${JSON.stringify(logged.at(-1), short)}`);
  }
}
