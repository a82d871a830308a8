/**
 * The request id that joins a response to its log entry. The app mints
 * it, unless the request came through our own edge (a load balancer or
 * gateway that sets the header itself), and even then only if it is a
 * short, plain token. A client's own X-Request-Id is never taken as is:
 * it could pick the id its failures are logged under, collide with
 * someone else's, or put 10 KB of its own bytes in every log line.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#event-collection
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';

export interface RequestIdOptions {
  /** Makes ids; production keeps the default, a random UUID. */
  newId?: () => string;
  /**
   * True only for a request that came through your edge, which sets or
   * overwrites X-Request-Id. With @hono/node-server, for example, compare
   * `getConnInfo(c).remote.address` with the load balancers' addresses.
   * The default trusts no one.
   */
  fromTrustedEdge?: (c: Context) => boolean;
}

// #region request-id
/** 1–128 ASCII letters, digits and `_.:=-`: a UUID, ULID or trace id. */
const WELL_FORMED = /^[A-Za-z0-9_.:=-]{1,128}$/;

export function isWellFormedRequestId(value: string): boolean {
  return WELL_FORMED.test(value);
}

/** Sets `c.var.requestId` and the X-Request-Id response header. */
export function requestIds({ newId = () => crypto.randomUUID(),
  fromTrustedEdge = () => false }: RequestIdOptions = {},
): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const sent = c.req.header('X-Request-Id');
    const id = sent !== undefined && fromTrustedEdge(c)
      && isWellFormedRequestId(sent) ? sent : newId();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
// #endregion request-id
