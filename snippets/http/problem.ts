/**
 * RFC 9457 problem details: the one error body every handler in these
 * snippets sends. Other modules import `problem` and `PROBLEM_JSON`.
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3
 */

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

if (import.meta.main) {
  const res = problem({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No note 7.', instance: '/notes/7' });
  console.log(res.status, res.headers.get('Content-Type'));
  console.log(await res.text());
}
