/**
 * One endpoint whose answer depends on four request headers: Authorization
 * (who asks, 401 without it), Accept (which format, 406 when none fits),
 * If-None-Match (what the client already has, 304) and, on the write side,
 * Content-Type (how to read the body, 415 otherwise). Header names are
 * case-insensitive (RFC 9110 §5.1); `Headers` lowercases them.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1
 */
import { z } from 'zod';
import { negotiate } from './content-negotiation.ts';
import { createRouter, endpoint, notFound, type Endpoint } from './endpoint-router.ts';
import { etagOf, ifNoneMatchHits } from './etag.ts';
import { readJsonBody } from './json-body.ts';
import { readBearer } from './layered-route.ts';
import { statusProblem } from './problem.ts';

export interface Report {
  id: string;
  owner: string;
  title: string;
  rows: { day: string; signups: number }[];
}

export interface ReportDeps {
  reports: Map<string, Report>;
  /** Resolves a bearer token to a user id; JWT verification plugs in (Q43). */
  authenticate: (token: string) => Promise<string | undefined>;
}

const reportInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  rows: z.array(z.strictObject({
    day: z.iso.date(),
    signups: z.int().nonnegative(),
  })).max(1000),
});

const OFFERS = ['application/json', 'text/csv; charset=utf-8'];

// Fields are dates and integers only, so nothing needs quoting or escaping.
const toCsv = (r: Report) =>
  ['day,signups', ...r.rows.map((row) => `${row.day},${row.signups}`)]
    .join('\r\n') + '\r\n';

/** The caller's user id, or the 401 that says how to authenticate. */
async function caller(req: Request, deps: ReportDeps): Promise<string | Response> {
  const credentials = readBearer(req.headers.get('authorization') ?? undefined);
  const user = credentials.kind === 'token'
    ? await deps.authenticate(credentials.token) : undefined;
  if (user) return user;
  // No credentials: a bare challenge; bad ones: say so (RFC 6750 §3).
  const challenge = credentials.kind === 'none' ? 'Bearer realm="reports"'
    : 'Bearer realm="reports", error="invalid_token"';
  return statusProblem(401, 'Send Authorization: Bearer <token>.',
    { 'WWW-Authenticate': challenge });
}

// #region show
async function showReport(req: Request, id: string, deps: ReportDeps) {
  // Authorization: who is asking. Checked first, so a stranger cannot
  // learn which ids exist.
  const user = await caller(req, deps);
  if (user instanceof Response) return user;
  const report = deps.reports.get(id);
  if (report?.owner !== user) return notFound(req);

  // Accept: which representation. Vary tells caches the answer depends on it.
  const type = negotiate(req.headers.get('accept'), OFFERS);
  if (!type) {
    return statusProblem(406, 'No representation matches Accept.',
      { Vary: 'Accept' }, { available: OFFERS });
  }
  const body = type === OFFERS[0] ? JSON.stringify(report) : toCsv(report);
  const meta = { ETag: etagOf(body), Vary: 'Accept',
    'Cache-Control': 'private, no-cache' };

  // If-None-Match: the client's copy is current, so send no content.
  if (ifNoneMatchHits(req.headers.get('if-none-match'), meta.ETag)) {
    return new Response(null, { status: 304, headers: meta });
  }
  return new Response(body, { headers: { ...meta, 'Content-Type': type } });
}
// #endregion show

// #region create
async function createReport(req: Request, deps: ReportDeps) {
  const user = await caller(req, deps);
  if (user instanceof Response) return user;
  // Content-Type: how to read the body. Anything but JSON is 415 (Q6).
  const input = await readJsonBody(req, reportInput);
  if (!input.ok) return input.response;
  const id = `r${deps.reports.size + 1}`;
  const report = { id, owner: user, ...input.data };
  deps.reports.set(report.id, report);
  return Response.json(report,
    { status: 201, headers: { Location: `/reports/${report.id}` } });
}
// #endregion create

/** The two endpoints, for createRouter(). */
export function reportEndpoints(deps: ReportDeps): Endpoint[] {
  const byId = z.object({ id: z.string().regex(/^r[1-9][0-9]{0,8}$/) });
  return [
    endpoint({ method: 'POST', path: '/reports', summary: 'Create a report',
      handler: (req) => createReport(req, deps) }),
    endpoint({ method: 'GET', path: '/reports/{id}', summary: 'Get a report',
      params: byId, handler: (req, { id }) => showReport(req, id, deps) }),
  ];
}

if (import.meta.main) {
  const tokens = new Map([['t0k3n-ada', 'ada']]);
  const api = createRouter(reportEndpoints({
    reports: new Map(),
    authenticate: async (token) => tokens.get(token),
  }));
  const auth = { authorization: 'bearer t0k3n-ada' }; // scheme: any case
  const calls: [string, string, Record<string, string>, string?][] = [
    ['POST json', 'POST', { ...auth, 'CONTENT-TYPE': 'application/json' },
      '{"title":"Signups","rows":[{"day":"2025-03-01","signups":12}]}'],
    ['no Authorization', 'GET', {}],
    ['wrong token', 'GET', { Authorization: 'Bearer nope' }],
    ['Accept: text/csv', 'GET', { ...auth, ACCEPT: 'text/csv' }],
    ['Accept: image/png', 'GET', { ...auth, Accept: 'image/png' }],
    ['If-None-Match', 'GET', { ...auth, ACCEPT: 'text/csv' }],
    ['POST text/plain', 'POST', { ...auth, 'Content-Type': 'text/plain' },
      'title=Signups'],
  ];
  let etag = '';
  for (const [label, method, headers, body] of calls) {
    if (label === 'If-None-Match') headers['If-None-Match'] = etag;
    const path = method === 'POST' ? '/reports' : '/reports/r1';
    const res = await api(new Request(`https://api.example${path}`,
      { method, headers, body }));
    etag = res.headers.get('ETag') ?? etag;
    const text = await res.text();
    const shown = res.headers.get('WWW-Authenticate')
      ?? res.headers.get('Location')
      ?? (res.status >= 400 ? (JSON.parse(text) as { detail: string }).detail
        : `${res.headers.get('Content-Type') ?? '-'}, ${text.length} bytes`);
    console.log(`${label.padEnd(17)} -> ${res.status} ${shown}`);
  }
}
