/**
 * The HTTP side of rate limiting, whatever the algorithm behind it: a
 * refused request gets 429 Too Many Requests (RFC 6585 §4) with
 * Retry-After in whole seconds (RFC 9110 §10.2.3) and a problem body from
 * the shared catalog; every answer carries the RateLimit-Policy and
 * RateLimit fields of draft-ietf-httpapi-ratelimit-headers (an IETF
 * Internet-Draft, not an RFC; checked against revision -11, May 2026).
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { AppError, toProblem } from '../http/error-catalog.ts';
import { checkPolicy, TokenBucket, type Decision, type Policy }
  from './token-bucket.ts';

// A structured-field token (RFC 9651 §3.3.4) is a safe policy name; we
// allow a subset so the name never needs quoting rules beyond `"…"`.
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

// #region headers
/** The draft's fields for one policy and one decision. */
export function rateLimitFields(policy: Policy, d: Decision) {
  const { name, limit, windowSeconds } = checkPolicy(policy);
  if (!NAME.test(name)) throw new RangeError(`bad policy name ${name}`);
  // `t` (-11: "effective window"): for t seconds, use at most r. In
  // whole seconds rounded up, so a client that waits t is never early.
  const t = Math.ceil(d.retryAfterMs / 1000);
  const fields: Record<string, string> = {
    'RateLimit-Policy': `"${name}";q=${limit};w=${windowSeconds}`,
    'RateLimit': `"${name}";r=${d.remaining}` + (t > 0 ? `;t=${t}` : ''),
  };
  if (!d.allowed) fields['Retry-After'] = String(Math.max(1, t));
  return fields;
}
// #endregion headers

export type Check = (c: Context) => Decision | Promise<Decision>;

// #region middleware
/**
 * Runs `check` before the handler. Refused: 429 with Retry-After and a
 * problem body, and the handler never runs. Allowed: the handler's
 * response gets the RateLimit fields too, so clients can slow down early.
 */
export function rateLimit(policy: Policy, check: Check): MiddlewareHandler {
  checkPolicy(policy);
  return async (c, next) => {
    const decision = await check(c);
    const fields = rateLimitFields(policy, decision);
    if (!decision.allowed) {
      const { 'Retry-After': retry, ...rest } = fields;
      return toProblem(new AppError('rate-limited', {
        retryAfter: Number(retry),
        detail: `Limit of ${policy.limit} per ${policy.windowSeconds} s`,
      }), {}, rest);
    }
    await next();
    for (const [name, value] of Object.entries(fields)) {
      c.res.headers.set(name, value);
    }
  };
}
// #endregion middleware

if (import.meta.main) {
  let now = 0;
  const policy = { name: 'default', limit: 2, windowSeconds: 10 };
  const bucket = new TokenBucket(policy, () => now); // one client, shown
  const app = new Hono();
  app.use('/orders', rateLimit(policy, () => bucket.take()));
  app.get('/orders', (c) => c.json([]));
  for (const at of [0, 1000, 2000, 5000]) {
    now = at;
    const res = await app.request('/orders');
    const shown = ['RateLimit', 'Retry-After']
      .map((h) => res.headers.get(h) && `${h}: ${res.headers.get(h)}`)
      .filter(Boolean).join('  ');
    console.log(`t=${at / 1000}s  ${res.status}  ${shown}`);
  }
}
