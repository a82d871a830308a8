/**
 * The error catalog: every problem this API can send, defined once. A
 * handler throws `new AppError(code, …)`; the error middleware
 * (error-middleware.ts) turns it into an RFC 9457 response. Clients get
 * one format and a short list of type URIs to branch on.
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-4
 */
import { problem, statusProblem, type ProblemDetails } from './problem.ts';

// #region catalog
/** Each problem type's status and title (RFC 9457 §4 asks for both). */
export const CATALOG = {
  'malformed-request': { status: 400, title: 'Malformed request' },
  'unauthenticated': { status: 401, title: 'Authentication required' },
  'forbidden': { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'conflict': { status: 409, title: 'Conflicts with current state' },
  'gone': { status: 410, title: 'Gone' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'validation-failed': { status: 422, title: 'Invalid request content' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'internal': { status: 500, title: 'Internal error' },
  'unavailable': { status: 503, title: 'Temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof CATALOG;

/** Clients branch on this URI, so it never changes once published. */
export const typeUri = (code: ErrorCode): string =>
  `https://api.example.com/problems/${code}`;
// #endregion catalog

// #region app-error
/** What some codes must carry. Required keys are MUSTs in the RFCs. */
interface Needs {
  'unauthenticated': { challenge: string }; // RFC 9110 §15.5.2
  'method-not-allowed': { allow: readonly string[] }; // RFC 9110 §15.5.6
  'rate-limited': { retryAfter?: number }; // RFC 6585 §4, seconds
  'unavailable': { retryAfter?: number }; // RFC 9110 §15.6.4
}
interface Common {
  /** Sent to the client: written for them, never an internal message. */
  detail?: string;
  /** Logged, never sent: the exception or value behind this error. */
  cause?: unknown;
  /** Members this problem type adds, e.g. `errors` (RFC 9457 §3.2). */
  extensions?: Record<string, unknown>;
}
export type AppErrorOptions<C extends ErrorCode> =
  Common & (C extends keyof Needs ? Needs[C] : unknown);
type Args<C extends ErrorCode> = object extends AppErrorOptions<C>
  ? [options?: AppErrorOptions<C>] : [options: AppErrorOptions<C>];

/** A failure the API expects and has a name for; anything else is a bug. */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'AppError';
  readonly code: C;
  readonly status: number;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(code: C, ...[options]: Args<C>) {
    const o: AnyOptions = options ?? {};
    super(o.detail ?? CATALOG[code].title, { cause: o.cause });
    this.code = code;
    this.status = CATALOG[code].status;
    this.detail = o.detail;
    this.headers = requiredHeaders(code, o);
    this.extensions = checkedMembers(o.extensions ?? {});
  }
}
// #endregion app-error

type AnyOptions = Common & {
  challenge?: string; allow?: readonly string[]; retryAfter?: number;
};

// RFC 9110 §5.6.2 token: what a method name (and so an Allow entry) is.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function requiredHeaders(code: ErrorCode, o: AnyOptions) {
  const headers: Record<string, string> = {};
  if (code === 'unauthenticated') {
    if (!o.challenge?.trim() || /[\r\n]/.test(o.challenge)) {
      throw new TypeError('a 401 needs a WWW-Authenticate challenge');
    }
    headers['WWW-Authenticate'] = o.challenge;
  }
  if (code === 'method-not-allowed') {
    if (!o.allow?.every((m) => TOKEN.test(m))) {
      throw new TypeError('a 405 needs Allow: a list of method names');
    }
    headers['Allow'] = o.allow.join(', ');
  }
  if (o.retryAfter !== undefined) {
    if (code !== 'rate-limited' && code !== 'unavailable') {
      throw new TypeError(`Retry-After has no meaning on ${code}`);
    }
    // delay-seconds is 1*DIGIT (RFC 9110 §10.2.3): no sign, no fraction.
    if (!Number.isSafeInteger(o.retryAfter) || o.retryAfter < 0) {
      throw new RangeError(`Retry-After: whole seconds >= 0, not ${o.retryAfter}`);
    }
    headers['Retry-After'] = String(o.retryAfter);
  }
  return headers;
}

const STANDARD = new Set(['type', 'title', 'status', 'detail', 'instance']);

/** Extension names as RFC 9457 §4 advises; standard members stay ours. */
export function checkedMembers(members: Record<string, unknown>) {
  for (const name of Object.keys(members)) {
    if (STANDARD.has(name)) {
      throw new TypeError(`extension "${name}" would replace a standard member`);
    }
    if (!/^[A-Za-z][A-Za-z0-9_]{2,}$/.test(name)) {
      throw new RangeError(`extension "${name}": use 3+ letters, digits or _`);
    }
  }
  return members;
}

// #region to-problem
/**
 * The RFC 9457 response for `err`. `extra` holds members the middleware
 * adds to every problem (the request id); `headers` rides along.
 */
export function toProblem(err: AppError, extra: Record<string, unknown> = {},
  headers: Record<string, string> = {}): Response {
  const { status, title } = CATALOG[err.code];
  const body: ProblemDetails = { type: typeUri(err.code), title, status };
  if (err.detail !== undefined) body.detail = err.detail;
  Object.assign(body, err.extensions, checkedMembers(extra));
  return problem(body, { ...err.headers, ...headers });
}
// #endregion to-problem

const BY_STATUS = new Map<number, ErrorCode>(Object.entries(CATALOG)
  .map(([code, { status }]) => [status, code as ErrorCode]));

/** The catalog code for an HTTP status, if the catalog names one. */
export function codeForStatus(status: number): ErrorCode | undefined {
  return BY_STATUS.get(status);
}

/**
 * The problem for a bare status, such as a 401 thrown by a framework's
 * own middleware: the catalog's type and title when the catalog names
 * that status, so one status never travels under two types; otherwise
 * `about:blank` with the reason phrase (RFC 9457 §4.2.1).
 */
export function problemForStatus(status: number,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {}): Response {
  const members = checkedMembers(extra);
  const code = codeForStatus(status);
  if (code === undefined) {
    return statusProblem(status, undefined, headers, members);
  }
  const { title } = CATALOG[code];
  return problem({ type: typeUri(code), title, status, ...members }, headers);
}

if (import.meta.main) {
  const examples: AppError[] = [
    new AppError('malformed-request'),
    new AppError('unauthenticated', { challenge: 'Bearer realm="api"' }),
    new AppError('forbidden'),
    new AppError('not-found'),
    new AppError('method-not-allowed', { allow: ['GET', 'HEAD'] }),
    new AppError('conflict'),
    new AppError('gone'),
    new AppError('unsupported-media-type'),
    new AppError('validation-failed'),
    new AppError('rate-limited', { retryAfter: 30 }),
    new AppError('internal'),
    new AppError('unavailable', { retryAfter: 120 }),
  ];
  for (const err of examples) {
    const res = toProblem(err);
    const required = Object.entries(err.headers)
      .map(([name, value]) => `${name}: ${value}`).join('; ');
    console.log(`${res.status} ${err.code.padEnd(23)} ${required}`.trimEnd());
  }
}
