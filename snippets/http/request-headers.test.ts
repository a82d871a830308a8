import { describe, expect, it, vi } from 'vitest';
import { createRouter } from './endpoint-router.ts';
import { reportEndpoints, type Report } from './request-headers.ts';

const REPORT: Report = {
  id: 'r1', owner: 'ada', title: 'Signups',
  rows: [{ day: '2025-03-01', signups: 12 }, { day: '2025-03-02', signups: 7 }],
};

function setup() {
  const reports = new Map([[REPORT.id, structuredClone(REPORT)]]);
  const authenticate = vi.fn(async (token: string) =>
    ({ 't0k3n-ada': 'ada', 't0k3n-bob': 'bob' } as Record<string, string>)[token]);
  const api = createRouter(reportEndpoints({ reports, authenticate }));
  const get = (headers: Record<string, string>, path = '/reports/r1', method = 'GET') =>
    api(new Request(`https://api.example${path}`, { method, headers }));
  const post = (headers: Record<string, string>, body: string) =>
    api(new Request('https://api.example/reports', { method: 'POST', headers, body }));
  return { api, reports, authenticate, get, post };
}

const ADA = { Authorization: 'Bearer t0k3n-ada' };

describe('header names are case-insensitive (RFC 9110 §5.1)', () => {
  it.each(['Authorization', 'authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn'])(
    'reads %s', async (name) => {
      const { get } = setup();
      expect((await get({ [name]: 'Bearer t0k3n-ada' })).status).toBe(200);
    });

  it('reads Accept in any case too', async () => {
    const { get } = setup();
    const res = await get({ ...ADA, ACCEPT: 'text/csv' });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });
});

describe('Authorization', () => {
  it('answers a missing header with 401 and a bare Bearer challenge', async () => {
    const { get, authenticate } = setup();
    const res = await get({});
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="reports"');
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('treats another scheme like no credentials', async () => {
    const { get } = setup();
    const res = await get({ Authorization: 'Basic YWRhOnB3' });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="reports"');
  });

  it.each(['Bearer nope', 'Bearer', 'Bearer two tokens', 'Bearer t0k3n-ada!'])(
    'answers "%s" with 401 invalid_token (RFC 6750 §3.1)', async (value) => {
      const { get } = setup();
      const res = await get({ Authorization: value });
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toContain('error="invalid_token"');
    });

  it('accepts the scheme in any case (§11.1) but the token only exactly', async () => {
    const { get } = setup();
    expect((await get({ Authorization: 'BEARER t0k3n-ada' })).status).toBe(200);
    expect((await get({ Authorization: 'Bearer T0K3N-ADA' })).status).toBe(401);
  });

  it('checks credentials before existence: a stranger sees 401, not 404', async () => {
    const { get } = setup();
    expect((await get({}, '/reports/r999')).status).toBe(401);
  });

  it('hides another user\'s report behind 404', async () => {
    const { get } = setup();
    expect((await get({ Authorization: 'Bearer t0k3n-bob' })).status).toBe(404);
  });
});

describe('Accept', () => {
  it('defaults to JSON without Accept, and says the answer varies on it', async () => {
    const { get } = setup();
    const res = await get(ADA);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('Vary')).toBe('Accept');
    expect(await res.json()).toEqual(REPORT);
  });

  it('sends CSV when the client prefers it', async () => {
    const { get } = setup();
    const res = await get({ ...ADA, Accept: 'application/json;q=0.5, text/csv' });
    expect(await res.text()).toBe('day,signups\r\n2025-03-01,12\r\n2025-03-02,7\r\n');
  });

  it.each(['image/png', 'text/*, text/csv;q=0', '*/*;q=0'])(
    'answers Accept: %s with 406 listing what is available', async (accept) => {
      const { get } = setup();
      const res = await get({ ...ADA, Accept: accept });
      expect(res.status).toBe(406);
      expect(res.headers.get('Vary')).toBe('Accept');
      expect(await res.json()).toMatchObject({
        status: 406, available: ['application/json', 'text/csv; charset=utf-8'] });
    });

  it('gives each representation its own ETag', async () => {
    const { get } = setup();
    const json = (await get(ADA)).headers.get('ETag');
    const csv = (await get({ ...ADA, Accept: 'text/csv' })).headers.get('ETag');
    expect(json).toMatch(/^"[\w-]+"$/);
    expect(csv).toMatch(/^"[\w-]+"$/);
    expect(json).not.toBe(csv);
  });
});

describe('If-None-Match', () => {
  it('answers a current copy with 304: validators and Vary, no content, no Content-Type', async () => {
    const { get } = setup();
    const first = await get(ADA);
    const etag = first.headers.get('ETag')!;
    const res = await get({ ...ADA, 'If-None-Match': etag });
    expect(res.status).toBe(304);
    expect(res.headers.get('ETag')).toBe(etag);
    expect(res.headers.get('Vary')).toBe('Accept');
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(res.headers.get('Content-Type')).toBeNull();
    expect(await res.text()).toBe('');
  });

  it('sends the new representation after a change', async () => {
    const { get, reports } = setup();
    const etag = (await get(ADA)).headers.get('ETag')!;
    reports.get('r1')!.title = 'Signups (revised)';
    const res = await get({ ...ADA, 'If-None-Match': etag });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).not.toBe(etag);
  });

  it('does not let the JSON tag validate the CSV representation', async () => {
    const { get } = setup();
    const jsonTag = (await get(ADA)).headers.get('ETag')!;
    const res = await get({ ...ADA, Accept: 'text/csv', 'If-None-Match': jsonTag });
    expect(res.status).toBe(200);
  });

  it('still requires credentials and an acceptable type before answering 304', async () => {
    const { get } = setup();
    const etag = (await get(ADA)).headers.get('ETag')!;
    expect((await get({ 'If-None-Match': etag })).status).toBe(401);
    expect((await get({ ...ADA, Accept: 'image/png', 'If-None-Match': etag })).status).toBe(406);
  });
});

describe('Content-Type on the write side', () => {
  const body = JSON.stringify({ title: 'Churn', rows: [{ day: '2025-03-03', signups: 1 }] });

  it('creates from application/json in any case, with Location', async () => {
    const { post, get } = setup();
    const res = await post({ ...ADA, 'content-type': 'Application/JSON; charset=utf-8' }, body);
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/reports/r2');
    expect((await get(ADA, '/reports/r2')).status).toBe(200);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/json-patch+json'])(
    'answers %s with 415 and stores nothing', async (type) => {
      const { post, reports } = setup();
      const res = await post({ ...ADA, 'Content-Type': type }, body);
      expect(res.status).toBe(415);
      expect(reports.size).toBe(1);
    });

  it('answers a missing Content-Type with 415', async () => {
    const { api, reports } = setup();
    const req = new Request('https://api.example/reports', { method: 'POST', headers: ADA, body: new Blob([body]) });
    expect(req.headers.get('Content-Type')).toBeNull();
    expect((await api(req)).status).toBe(415);
    expect(reports.size).toBe(1);
  });

  it('authenticates before reading the body', async () => {
    const { post } = setup();
    expect((await post({ 'Content-Type': 'text/plain' }, 'x')).status).toBe(401);
  });

  it('rejects a body that breaks the schema with 422', async () => {
    const { post } = setup();
    const bad = JSON.stringify({ title: 'x', rows: [{ day: '2025-02-30', signups: -1 }] });
    expect((await post({ ...ADA, 'Content-Type': 'application/json' }, bad)).status).toBe(422);
  });
});
