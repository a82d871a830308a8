import { describe, expect, it } from 'vitest';
import { problem, PROBLEM_JSON, statusProblem, statusTitle } from './problem.ts';

describe('problem', () => {
  it('sends the details as application/problem+json with the status', async () => {
    const res = problem({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'Version 3 is stale.' });
    expect(res.status).toBe(409);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(await res.json()).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'Version 3 is stale.' });
  });

  it('keeps extension members and extra headers', async () => {
    const res = problem({ type: 'https://example.com/probs/rate', title: 'Too Many Requests', status: 429, limit: 10 }, { 'Retry-After': '30' });
    expect(res.headers.get('Retry-After')).toBe('30');
    expect(await res.json()).toMatchObject({ limit: 10 });
  });

  it('cannot be talked out of its content type by a caller header', () => {
    const res = problem({ type: 'about:blank', title: 'Bad Request', status: 400 }, { 'Content-Type': 'text/html' });
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  });

  it.each([200, 302, 399, 600, 404.5])('rejects status %s', (status) => {
    expect(() => problem({ type: 'about:blank', title: 'x', status })).toThrow(RangeError);
  });
});

describe('statusProblem', () => {
  it('titles an about:blank problem with the RFC 9110 reason phrase', async () => {
    for (const [status, title] of [[404, 'Not Found'], [413, 'Content Too Large'], [422, 'Unprocessable Content'], [429, 'Too Many Requests']] as const) {
      expect(statusTitle(status)).toBe(title);
      const res = statusProblem(status, 'Because.');
      expect(await res.json()).toEqual({ type: 'about:blank', title, status, detail: 'Because.' });
    }
  });

  it('carries headers and extensions, and leaves out an absent detail', async () => {
    const res = statusProblem(503, undefined, { 'Retry-After': '120' }, { requestId: 'r1' });
    expect(res.headers.get('Retry-After')).toBe('120');
    expect(await res.json()).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503, requestId: 'r1' });
  });

  it('falls back to a neutral title for a code without a phrase', () => {
    expect(statusTitle(499)).toBe('Error');
  });
});
