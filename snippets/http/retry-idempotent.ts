/**
 * A retrying HTTP client that only repeats a request when a second copy
 * cannot do harm: its method is idempotent (RFC 9110 §9.2.2), or it carries
 * an Idempotency-Key that the server deduplicates on. The loop itself (a
 * timeout per try under one deadline, backoff, Retry-After, a retry budget)
 * is the shared one in snippets/reliability/retry.ts (Q53); this module adds
 * HTTP's rules: which requests may repeat and which answers mean "not now".
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2
 */
import {
  retry, retrySettings, type Outcome, type RetryPolicy, type Verdict,
} from '../reliability/retry.ts';

/** Anything that turns a Request into a Response: `fetch`, `app.request`. */
export type Send = (request: Request) => Promise<Response>;

/**
 * The loop's settings (snippets/reliability/retry.ts). `maxAttempts`
 * defaults to 3, a bounded retry budget the caller opts into; 2 keeps to
 * RFC 9110 §9.2.2's "SHOULD NOT automatically retry a failed automatic
 * retry". The caller's signal is the request's own.
 */
export type RetryOptions =
  Omit<RetryPolicy<Response>, 'classify' | 'discard' | 'signal'>;

// #region policy
/** RFC 9110 §9.2.2: PUT, DELETE and the safe methods of §9.2.1. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> =
  new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Answers that mean "not now": the same request may work later. A 500 is
 * left out: it usually means a bug that the retry would hit again.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> =
  new Set([408, 429, 502, 503, 504]);

/** True when sending `request` twice cannot apply its effect twice. */
export function isRetrySafe(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method)
    // The key lets the server spot the copy and replay its answer (Q59).
    || request.headers.has('Idempotency-Key');
}

/** True when the same request, sent again unchanged, may succeed. */
export function isRetryableAnswer(request: Request, response: Response) {
  return RETRYABLE_STATUSES.has(response.status)
    // With a key, 409 means "a copy with this key is still running":
    // the Idempotency-Key draft asks for no change before a retry.
    || (response.status === 409 && request.headers.has('Idempotency-Key'));
}

/** Failures where the request may or may not have reached the server. */
export const isTransportFailure = (error: unknown) =>
  error instanceof TypeError // how fetch reports a network error
  || (error instanceof DOMException && error.name === 'TimeoutError');
// #endregion policy

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = String.raw`\d{2}:\d{2}:\d{2}`;
const IMF_FIXDATE = new RegExp(String.raw`^${DAY}, \d{2} ${MONTH} \d{4} ${TIME} GMT$`);
const RFC_850 = new RegExp(
  String.raw`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{2}-${MONTH}-\d{2} ${TIME} GMT$`);
const ASCTIME = new RegExp(String.raw`^${DAY} ${MONTH} [ \d]\d ${TIME} \d{4}$`);

/**
 * The wait a Retry-After value asks for, in ms (RFC 9110 §10.2.3): either
 * delay-seconds or an HTTP-date in any of the three forms a recipient must
 * accept (§5.6.7). Undefined for a missing or malformed value.
 */
export function retryAfterMs(value: string | null | undefined, now: number)
  : number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  let at = Number.NaN;
  if (IMF_FIXDATE.test(text) || RFC_850.test(text)) at = Date.parse(text);
  // asctime names no zone, but every HTTP-date is UTC.
  else if (ASCTIME.test(text)) at = Date.parse(`${text} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// #region retry
/** What one try's outcome means to the retry loop. */
export function httpVerdict(request: Request, now: () => number = Date.now) {
  return (outcome: Outcome<Response>): Verdict => {
    if (!outcome.ok) {
      return isTransportFailure(outcome.error) ? 'retry' : 'done';
    }
    const response = outcome.value;
    if (!isRetryableAnswer(request, response)) return 'done'; // 2xx, 4xx
    const wait = retryAfterMs(response.headers.get('Retry-After'), now());
    return wait === undefined ? 'retry' : { retryAfterMs: wait };
  };
}

/**
 * Wraps `send` so a retry-safe request is tried up to `maxAttempts` times.
 * Anything else gets one try: after a lost response nobody can tell
 * whether the server applied it, and a second copy might apply it twice.
 */
export function withRetries(send: Send, options: RetryOptions = {}): Send {
  const { maxAttempts } = retrySettings(options); // bad options fail here
  const now = options.now ?? Date.now;
  return async (request) => {
    // A body can be read once, so every try sends its own copy. One the
    // caller already read cannot be copied: a bug, not a failure to retry.
    if (request.bodyUsed || request.body?.locked) {
      throw new TypeError('the request body was already read');
    }
    return retry((signal) => send(new Request(request.clone(), { signal })), {
      ...options,
      maxAttempts: isRetrySafe(request) ? maxAttempts : 1,
      signal: request.signal, // the caller's own abort or deadline
      classify: httpVerdict(request, now),
      discard: async (response) => { await response.body?.cancel(); },
    });
  };
}
// #endregion retry

if (import.meta.main) {
  // Imported here so the client module does not depend on the demo server.
  const { createCartApp } = await import('./set-vs-increment.ts');
  const cart = new Map<string, number>();
  const app = createCartApp(cart);
  const slept: number[] = [];
  const options: RetryOptions = {
    backoff: () => 100,
    sleep: async (ms) => void slept.push(ms),
    now: () => Date.UTC(2025, 0, 1),
  };
  // A network that delivers every request but loses the first answer,
  // like a timeout that fires after the server has committed.
  const losingFirstAnswer = (): Send & { tries: number } => {
    const send = Object.assign(async (request: Request) => {
      const response = await app.request(request);
      if (++send.tries > 1) return response;
      await response.body?.cancel();
      throw new TypeError('fetch failed');
    }, { tries: 0 });
    return send;
  };
  const busyOnce = (retryAfter: string): Send & { tries: number } => {
    const send = Object.assign(async (request: Request) =>
      ++send.tries > 1 ? app.request(request) : new Response(null,
        { status: 503, headers: { 'Retry-After': retryAfter } }), { tries: 0 });
    return send;
  };
  const run = async (label: string, request: Request,
    transport: Send & { tries: number }) => {
    slept.length = 0;
    let outcome: string;
    try {
      outcome = String((await withRetries(transport, options)(request)).status);
    } catch (error) {
      outcome = (error as Error).name;
    }
    const waited = slept.length ? `, slept ${slept.join('+')} ms` : '';
    console.log(`${label} -> ${outcome} after ${transport.tries} `
      + `${transport.tries === 1 ? 'try' : 'tries'}${waited}; cart `
      + JSON.stringify(Object.fromEntries(cart)));
  };
  const json = (method: string, path: string, body: string) =>
    new Request(`http://shop.test${path}`,
      { method, body, headers: { 'Content-Type': 'application/json' } });

  await run('PUT tea=2, first answer lost',
    json('PUT', '/cart/items/tea', '{"quantity":2}'), losingFirstAnswer());
  await run('POST add mug, first answer lost',
    json('POST', '/cart/items', '{"sku":"mug","quantity":1}'),
    losingFirstAnswer());
  await run('GET, 503 Retry-After: 2',
    new Request('http://shop.test/cart'), busyOnce('2'));
  await run('GET, 503 Retry-After: 3600',
    new Request('http://shop.test/cart'), busyOnce('3600'));
}
