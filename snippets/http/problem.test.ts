import { describe, expect, it } from 'vitest';
import { problem, PROBLEM_JSON } from './problem.ts';

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
