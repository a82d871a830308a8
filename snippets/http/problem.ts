/**
 * RFC 9457 problem details: the one error body every handler in these
 * snippets sends. Other modules import `problem`, or `statusProblem` for a
 * problem that means no more than its status code.
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3
 */
import { STATUS_CODES } from 'node:http';

export const PROBLEM_JSON = 'application/problem+json';

// #region shape
/** The standard members (RFC 9457 §3.1); extensions sit beside them. */
export interface ProblemDetails {
  /** URI naming the problem type; `about:blank` means "just the status". */
  type: string;
  /** Short summary of the type; the same for every occurrence. */
  title: string;
  /** The HTTP status code, repeated for readers of the body alone. */
  status: number;
  /** What went wrong this time, for a human. */
  detail?: string;
  /** URI of this occurrence, e.g. the request path. */
  instance?: string;
  [extension: string]: unknown;
}
// #endregion shape

/**
 * A `Response` carrying `details` as `application/problem+json`.
 * Throws RangeError for a status outside 400–599: a problem is an error.
 */
export function problem(details: ProblemDetails, headers: Record<string, string> = {}): Response {
  if (!Number.isInteger(details.status) || details.status < 400 || details.status > 599) {
    throw new RangeError(`problem status must be 400-599, got ${details.status}`);
  }
  const all = new Headers(headers);
  all.set('Content-Type', PROBLEM_JSON);
  return new Response(JSON.stringify(details), { status: details.status, headers: all });
}

// Node's table predates RFC 9110, which renamed these two (§15.5.14, 15.5.21).
const PHRASES: Record<number, string | undefined> = {
  ...STATUS_CODES, 413: 'Content Too Large', 422: 'Unprocessable Content',
};

/** The status's reason phrase: the title an `about:blank` problem SHOULD use. */
export function statusTitle(status: number): string {
  return PHRASES[status] ?? 'Error';
}

/**
 * An `about:blank` problem, "no semantics beyond the status code" (RFC 9457
 * §4.2.1): the phrase as title, `detail` for this occurrence.
 */
export function statusProblem(status: number, detail?: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {}): Response {
  return problem({
    type: 'about:blank', title: statusTitle(status), status,
    ...(detail === undefined ? {} : { detail }), ...extensions,
  }, headers);
}

if (import.meta.main) {
  const res = problem({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No note 7.', instance: '/notes/7' });
  console.log(res.status, res.headers.get('Content-Type'));
  console.log(await res.text());
}
