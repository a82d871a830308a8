import { describe, expect, it } from 'vitest';
import {
  AppError, CATALOG, checkedMembers, codeForStatus, problemForStatus,
  toProblem, typeUri, type ErrorCode,
} from './error-catalog.ts';
import { PROBLEM_JSON } from './problem.ts';

const codes = Object.keys(CATALOG) as ErrorCode[];
const bodyOf = async (res: Response) =>
  (await res.json()) as Record<string, unknown>;

describe('the catalog', () => {
  it('covers the statuses a typical API needs, each once', () => {
    const statuses = codes.map((c) => CATALOG[c].status);
    expect(statuses).toEqual(
      [400, 401, 403, 404, 405, 409, 410, 415, 422, 429, 500, 503]);
    expect(new Set(statuses).size).toBe(statuses.length);
  });

  it.each(codes)('%s has an absolute https type URI and a title', (code) => {
    const uri = new URL(typeUri(code));
    expect(uri.protocol).toBe('https:');
    expect(uri.pathname).toBe(`/problems/${code}`);
    expect(CATALOG[code].title.trim()).not.toBe('');
  });

  it('gives every code its own type URI', () => {
    expect(new Set(codes.map(typeUri)).size).toBe(codes.length);
  });
});

describe('AppError', () => {
  it('is an Error whose status comes from the catalog', () => {
    const err = new AppError('conflict', { detail: 'Version 3 is stale.' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('AppError');
    expect(err.status).toBe(409);
    expect(err.message).toBe('Version 3 is stale.');
    expect(err.detail).toBe('Version 3 is stale.');
  });

  it('uses the title as its message when there is no detail', () => {
    const err = new AppError('forbidden');
    expect(err.message).toBe('Not allowed');
    expect(err.detail).toBeUndefined();
  });

  it('keeps the cause for the log', () => {
    const cause = new Error('duplicate key value violates "users_email_key"');
    expect(new AppError('conflict', { cause }).cause).toBe(cause);
  });

  describe('401 must carry WWW-Authenticate (RFC 9110 §15.5.2)', () => {
    it('sets the challenge', () => {
      const err = new AppError('unauthenticated',
        { challenge: 'Bearer realm="api"' });
      expect(err.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"' });
    });

    it('refuses to build a 401 without one, at compile time and at run time', () => {
      // @ts-expect-error the challenge is required
      expect(() => new AppError('unauthenticated')).toThrow(TypeError);
      expect(() => new AppError('unauthenticated', { challenge: '  ' }))
        .toThrow(TypeError);
    });

    it('rejects a challenge that would split the header', () => {
      expect(() => new AppError('unauthenticated',
        { challenge: 'Bearer\r\nSet-Cookie: admin=1' })).toThrow(TypeError);
    });
  });

  describe('405 must carry Allow (RFC 9110 §15.5.6)', () => {
    it('lists the methods', () => {
      const err = new AppError('method-not-allowed',
        { allow: ['GET', 'HEAD', 'DELETE'] });
      expect(err.headers).toEqual({ Allow: 'GET, HEAD, DELETE' });
    });

    it('refuses a 405 without Allow or with a non-token method', () => {
      // @ts-expect-error the allow list is required
      expect(() => new AppError('method-not-allowed')).toThrow(TypeError);
      for (const bad of ['GE T', 'GET,POST', '', 'PÜT']) {
        expect(() => new AppError('method-not-allowed', { allow: [bad] }))
          .toThrow(TypeError);
      }
    });
  });

  describe('Retry-After on 429 and 503', () => {
    it('is optional and sent as delay-seconds', () => {
      expect(new AppError('rate-limited').headers).toEqual({});
      expect(new AppError('rate-limited', { retryAfter: 0 }).headers)
        .toEqual({ 'Retry-After': '0' });
      expect(new AppError('unavailable', { retryAfter: 120 }).headers)
        .toEqual({ 'Retry-After': '120' });
    });

    it.each([-1, 1.5, Number.NaN, Infinity, 2 ** 53])('rejects %s', (s) => {
      expect(() => new AppError('rate-limited', { retryAfter: s }))
        .toThrow(RangeError);
    });

    it('is refused on other codes, at compile time and at run time', () => {
      // @ts-expect-error a 404 takes no Retry-After
      expect(() => new AppError('not-found', { retryAfter: 5 }))
        .toThrow(TypeError);
    });
  });

  describe('extension members', () => {
    it('may not replace a standard member', () => {
      for (const name of ['type', 'title', 'status', 'detail', 'instance']) {
        expect(() => new AppError('conflict', { extensions: { [name]: 1 } }))
          .toThrow(TypeError);
      }
    });

    it.each(['ab', '1st', 'has-dash', 'späce', ''])('rejects the name "%s"',
      (name) => {
        expect(() => checkedMembers({ [name]: 1 })).toThrow(RangeError);
      });

    it('accepts names RFC 9457 §4 recommends', () => {
      expect(checkedMembers({ errors: [], requestId: 'x', max_seats: 3 }))
        .toEqual({ errors: [], requestId: 'x', max_seats: 3 });
    });
  });
});

describe('toProblem', () => {
  it('renders the catalog entry as application/problem+json', async () => {
    const res = toProblem(new AppError('not-found', { detail: 'No note 7.' }));
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(await bodyOf(res)).toEqual({
      type: 'https://api.example.com/problems/not-found',
      title: 'Not found', status: 404, detail: 'No note 7.',
    });
  });

  it.each(codes)('keeps body status and HTTP status equal for %s', async (code) => {
    const options = { challenge: 'Bearer', allow: ['GET'] };
    const res = toProblem(new AppError(code, options as never));
    expect((await bodyOf(res)).status).toBe(res.status);
    expect(res.status).toBe(CATALOG[code].status);
  });

  it('omits detail when there is none', async () => {
    expect(await bodyOf(toProblem(new AppError('gone')))).not.toHaveProperty('detail');
  });

  it('adds extensions, extra members and headers', async () => {
    const err = new AppError('rate-limited',
      { retryAfter: 30, extensions: { limit: 100 } });
    const res = toProblem(err, { requestId: 'req-1' }, { 'X-Request-Id': 'req-1' });
    expect(res.headers.get('Retry-After')).toBe('30');
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
    expect(await bodyOf(res)).toMatchObject({ limit: 100, requestId: 'req-1' });
  });

  it('refuses extra members that would overwrite the standard ones', () => {
    expect(() => toProblem(new AppError('gone'), { status: 200 })).toThrow(TypeError);
  });

  it('never sends the cause', async () => {
    const cause = new Error('SELECT * FROM users WHERE email = \'ann@example.com\'');
    const res = toProblem(new AppError('conflict',
      { detail: 'That email is taken.', cause }));
    const text = await res.text();
    expect(text).not.toContain('SELECT');
    expect(text).not.toContain('ann@example.com');
    expect(JSON.parse(text)).toMatchObject({ detail: 'That email is taken.' });
  });
});

describe('problemForStatus: one type per status', () => {
  it.each(codes)('gives %s\'s status the same type and title as toProblem', async (code) => {
    const { status } = CATALOG[code];
    expect(codeForStatus(status)).toBe(code);
    const options = { challenge: 'Bearer', allow: ['GET'] };
    const ours = await bodyOf(toProblem(new AppError(code, options as never)));
    const bare = await bodyOf(problemForStatus(status));
    expect(bare).toEqual({ type: ours.type, title: ours.title, status });
  });

  it('falls back to about:blank for a status the catalog does not name', async () => {
    expect(codeForStatus(413)).toBeUndefined();
    expect(await bodyOf(problemForStatus(413))).toEqual(
      { type: 'about:blank', title: 'Content Too Large', status: 413 });
  });

  it('adds extra members and headers', async () => {
    const res = problemForStatus(401, { requestId: 'req-1' },
      { 'WWW-Authenticate': 'Bearer realm="api"' });
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
    expect(await bodyOf(res)).toEqual({ type: typeUri('unauthenticated'),
      title: 'Authentication required', status: 401, requestId: 'req-1' });
  });

  it('refuses extra members that would overwrite the standard ones', () => {
    expect(() => problemForStatus(404, { type: 'about:blank' })).toThrow(TypeError);
    expect(() => problemForStatus(413, { status: 200 })).toThrow(TypeError);
  });

  it.each([200, 399, 600, 404.5])('rejects status %s', (status) => {
    expect(() => problemForStatus(status)).toThrow(RangeError);
  });
});
