/**
 * Structured logs with pino: one JSON object per line on stdout, a level
 * that says who must act, a child logger per request that stamps its id
 * on every line, and redaction of the keys that hold secrets. Redaction
 * matches key paths only: a secret inside a message string, or a key
 * two levels down, goes out as written. So errors are logged through
 * the allow-list in ../http/error-log.ts, never with their message.
 * @see https://github.com/pinojs/pino/blob/main/docs/redaction.md
 * @see https://12factor.net/logs
 */
import type { MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { pino, type DestinationStream, type Logger } from 'pino';
import { describeError } from '../http/error-log.ts';
import type { ErrorLog } from '../http/error-middleware.ts';

export type { Logger } from 'pino';

export const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace',
  'silent'] as const;
export type Level = (typeof LEVELS)[number];

export interface LoggerOptions {
  service: string;
  /** Usually from LOG_LEVEL; `info` in production. */
  level?: string;
  /** Defaults to stdout; tests pass a stream that keeps the lines. */
  destination?: DestinationStream;
  now?: () => number;
  /** Fields added to every line, e.g. the request's ids (see Q52). */
  mixin?: () => Record<string, unknown>;
}

// #region redact
/** Keys whose values never reach a log, at the top or one level down. */
const SECRET_KEYS = ['password', 'token', 'accessToken', 'refreshToken',
  'apiKey', 'secret', 'authorization', 'cookie', '["set-cookie"]'];

export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key,
  key.startsWith('[') ? `*${key}` : `*.${key}`]);
// #endregion redact

// #region create-logger
export function createLogger({ service, level = 'info', now = Date.now,
  destination = pino.destination(1), mixin }: LoggerOptions): Logger {
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  }
  return pino({
    level,
    base: { service }, // no pid or hostname: the platform adds its own
    timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    formatters: { level: (label) => ({ level: label }),
      // pino's err serializer logs the message, and an Error under
      // another key goes out with its own fields (a driver's `detail`).
      log: describeErrors },
    hooks: { logMethod(args, method) {
      // Given an error and no message, pino uses err.message as `msg`.
      const [first, msg] = args as unknown[];
      if (typeof msg !== 'string' && hasError(first)) {
        return method.apply(this, [first, 'error'] as never);
      }
      return method.apply(this, args);
    } },
    ...(mixin ? { mixin } : {}),
  }, destination);
}
// #endregion create-logger

/** Each top-level Error, and whatever is under `err`, as Q33 logs it. */
function describeErrors(fields: Record<string, unknown>) {
  let out = fields; // copied before the first change: it is the caller's
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'err' && !isError(value)) continue;
    if (out === fields) out = { ...fields };
    out[key] = describeError(value);
  }
  return out;
}

function isError(value: unknown): boolean {
  try {
    return value instanceof Error;
  } catch {
    return false; // a Proxy whose trap throws
  }
}

function hasError(value: unknown): boolean {
  return value instanceof Error || (typeof value === 'object'
    && value !== null && (value as { err?: unknown }).err !== undefined);
}

type LogVariables = RequestIdVariables & { log: Logger };

// #region access-log
/**
 * A child logger per request, bound to its id, as `c.var.log`; then one
 * line when the request ends. Mount after the request id middleware.
 */
export function accessLog(logger: Logger, now = () => performance.now(),
): MiddlewareHandler<{ Variables: LogVariables }> {
  return async (c, next) => {
    const log = logger.child({ requestId: c.var.requestId });
    c.set('log', log);
    const started = now();
    await next();
    const { status } = c.res;
    // 5xx: we must act. 4xx: the client must, so it is not our error.
    log[status >= 500 ? 'error' : 'info']({
      method: c.req.method, route: c.req.routePath, status,
      ms: Math.round(now() - started),
    }, 'request done');
  };
}
// #endregion access-log

// #region error-log
/** Q33's error middleware, writing its entries through this logger. */
export function errorLogTo(logger: Logger): ErrorLog {
  return ({ level, ...entry }) => logger[level](entry, 'request failed');
}
// #endregion error-log

if (import.meta.main) {
  const { Hono } = await import('hono');
  const { requestContext } = await import('./request-context.ts');
  let t = Date.parse('2026-12-02T09:00:00Z');
  // process.stdout rather than pino's direct fd writes, so a host that
  // captures the demo's output (the site's build) sees the lines too.
  const logger = createLogger({ service: 'orders', now: () => t++,
    destination: process.stdout });
  const app = new Hono<{ Variables: LogVariables }>();
  app.use(requestContext({ newId: () => 'req-7' }));
  app.use(accessLog(logger, () => t));
  app.post('/webhooks/payments', async (c) => {
    const body = await c.req.json<{ orderId: string; token: string }>();
    c.var.log.debug({ body }, 'webhook received'); // below info: dropped
    c.var.log.warn({ body }, 'unknown order'); // token is redacted
    return c.body(null, 202);
  });
  await app.request('/webhooks/payments', { method: 'POST',
    body: JSON.stringify({ orderId: 'ord-42', token: 'tok_live_abc' }) });
}
