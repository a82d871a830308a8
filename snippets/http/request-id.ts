/**
 * The request id that joins a response to its log entries. The app mints
 * it, unless the request came through our own edge (a load balancer or
 * gateway that sets the header itself), and even then only if it is a
 * short, plain token. A client's own X-Request-Id is never taken as is:
 * it could pick the id its failures are logged under, collide with
 * someone else's, or put 10 KB of its own bytes in every log line.
 * This module only decides; the one middleware that sets the id, for
 * responses and every log line alike, is requestContext in
 * ../observability/request-context.ts.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#event-collection
 */
import type { Context } from 'hono';

export interface RequestIdOptions {
  /** Makes ids; production keeps the default, a random UUID. */
  newId?: () => string;
  /**
   * True only for a request that came through your edge (which sets or
   * overwrites X-Request-Id) or from another of your services: only then
   * are its X-Request-Id and traceparent kept. With @hono/node-server,
   * for example, compare `getConnInfo(c).remote.address` with the
   * addresses of your load balancers.
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

/** The sent id if the edge is trusted and the id well formed; else new. */
export function chooseRequestId(sent: string | undefined, trusted: boolean,
  newId: () => string = () => crypto.randomUUID()): string {
  return sent !== undefined && trusted && isWellFormedRequestId(sent)
    ? sent : newId();
}
// #endregion request-id
