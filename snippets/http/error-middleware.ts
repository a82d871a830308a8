/**
 * One error path for the whole API. Whatever a handler throws leaves as
 * an RFC 9457 problem carrying the request id; the exception itself (its
 * message, stack and causes) goes to the log under that same id, and
 * never into the response.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html
 */
import { inspect } from 'node:util';
import { Hono, type Context, type Env } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { AppError, toProblem } from './error-catalog.ts';
import { statusProblem } from './problem.ts';

/** The context variables this module relies on. */
export interface ProblemEnv extends Env { Variables: RequestIdVariables }

/** What we know about a thrown value: for the log, never the client. */
export interface ErrorDescription {
  name: string;
  message: string;
  stack?: string;
  cause?: ErrorDescription;
}

/** One structured log entry per failed request. */
export interface ErrorLogEntry {
  level: 'info' | 'error';
  requestId: string;
  method: string;
  /** The path without its query string, which can carry tokens. */
  path: string;
  status: number;
  /** Catalog code, or `about:blank` for a bare status from Hono. */
  code: string;
  /** The exception, for 5xx responses and errors with a cause. */
  error?: ErrorDescription;
}

export type ErrorLog = (entry: ErrorLogEntry) => void;

export interface ErrorHandlingOptions {
  log: ErrorLog;
  /** Makes request ids; production keeps the default, a random UUID. */
  newId?: () => string;
}

/** The request facts every log entry and problem needs. */
interface Seen { requestId: string; method: string; path: string }

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
/** Routes every failure in `app` through one handler. Call it first. */
export function useProblemErrors<E extends ProblemEnv>(app: Hono<E>,
  { log: unsafeLog, newId = () => crypto.randomUUID() }: ErrorHandlingOptions,
): void {
  const log = neverThrows(unsafeLog);
  // Keeps a well-formed incoming X-Request-Id, so one id spans services.
  app.use(requestId({ generator: newId }));
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
  return { requestId: c.var.requestId, method: c.req.method, path: c.req.path };
}

function entry(at: Seen, status: number, code: string): ErrorLogEntry {
  return { level: status >= 500 ? 'error' : 'info', ...at, status, code };
}

/** An AppError: the client gets its catalog problem, as designed. */
function expected(at: Seen, err: AppError, log: ErrorLog): Response {
  const line = entry(at, err.status, err.code);
  if (err.status >= 500 || err.cause !== undefined) line.error = describe(err);
  log(line);
  const id = line.requestId;
  return toProblem(err, { requestId: id }, { 'X-Request-Id': id });
}

// Hono's own middleware (bearerAuth, bodyLimit, timeout) throw these.
// Keep the status and the headers it set, not the message text.
const KEPT = ['WWW-Authenticate', 'Allow', 'Retry-After'];

function fromHono(at: Seen, err: HTTPException, log: ErrorLog): Response {
  const status = err.status as number;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    return unexpected(at, err, log);
  }
  const line = entry(at, status, 'about:blank');
  if (status >= 500) line.error = describe(err);
  log(line);
  const headers: Record<string, string> = { 'X-Request-Id': line.requestId };
  for (const name of KEPT) {
    const value = err.res?.headers.get(name);
    if (value) headers[name] = value;
  }
  return statusProblem(status, undefined, headers,
    { requestId: line.requestId });
}

// #region unexpected
/**
 * A failure nobody planned for. Everything we know goes to the log under
 * the request id; the client gets a generic 500 and that id, because the
 * message may hold SQL, file paths, hostnames or customer data.
 */
function unexpected(at: Seen, err: Error, log: ErrorLog): Response {
  const line = entry(at, 500, 'internal');
  line.error = describe(err);
  log(line);
  const safe = new AppError('internal', {
    detail: 'Something failed on our side. Quote the request id to support.',
  });
  const id = line.requestId;
  return toProblem(safe, { requestId: id }, { 'X-Request-Id': id });
}
// #endregion unexpected

/** Name, message, stack and cause chain; depth-capped against cycles. */
export function describe(value: unknown, depth = 0): ErrorDescription {
  if (!(value instanceof Error)) {
    return { name: typeof value, message: inspect(value, { depth: 2 }) };
  }
  const out: ErrorDescription = { name: value.name, message: value.message };
  if (value.stack) out.stack = value.stack;
  if (value.cause !== undefined && depth < 5) {
    out.cause = describe(value.cause, depth + 1);
  }
  return out;
}

if (import.meta.main) {
  const logged: ErrorLogEntry[] = [];
  let n = 0;
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: (e) => logged.push(e), newId: () => `req-${++n}` });
  app.get('/orders/:id', () => { // a bug that shipped: a typo in the SQL
    throw new Error('query failed: SELECT id, emial FROM orders WHERE id = $1',
      { cause: new Error('column "emial" does not exist') });
  });
  app.get('/reports', () => { // planned: the reporting database is down
    throw new AppError('unavailable', { retryAfter: 120,
      detail: 'Reports are paused for maintenance.' });
  });
  const noStack = (key: string, value: unknown) =>
    key === 'stack' ? '(kept)' : value;
  for (const path of ['/orders/42', '/reports']) {
    const res = await app.request(path);
    const retry = res.headers.get('Retry-After');
    console.log(`GET ${path} -> ${res.status}${retry ? `, Retry-After: ${retry}` : ''}`);
    console.log(`client sees: ${await res.text()}`);
    console.log(`log gets:    ${JSON.stringify(logged.at(-1), noStack)}`);
  }
}
