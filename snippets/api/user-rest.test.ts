import { describe, expect, it } from 'vitest';
import { PROBLEM_JSON } from '../http/problem.ts';
import {
  createMemoryUserRepository, SAMPLE_USERS, type User,
} from './user-repository.ts';
import { createUserRestApp } from './user-rest.ts';

function app(users: readonly User[] = SAMPLE_USERS) {
  let calls = 0;
  const target = createUserRestApp(
    createMemoryUserRepository(users, () => { calls += 1; }));
  return { target, calls: () => calls };
}

describe('GET /users/:id', () => {
  it('returns the JSON representation with a strong ETag and revalidation policy', async () => {
    const res = await app().target.request('/users/u2');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(res.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(await res.json()).toEqual({
      id: 'u2', name: 'Grace Hopper', email: 'grace@example.com', managerId: 'u1',
    });
  });

  it('sends every field, asked for or not: the server fixes the shape', async () => {
    const body = await (await app().target.request('/users/u1')).json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'name', 'email', 'managerId']);
    expect(body.managerId).toBeNull();
  });

  it('answers a matching If-None-Match with an empty 304 that keeps ETag and Cache-Control', async () => {
    const { target } = app();
    const etag = (await target.request('/users/u2')).headers.get('ETag')!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await target.request('/users/u2', { headers: { 'If-None-Match': header } });
      expect(res.status, header).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('ETag')).toBe(etag);
      expect(res.headers.get('Cache-Control')).toBe('private, no-cache');
    }
  });

  it('sends the full 200 again when the representation has changed', async () => {
    const before = (await app().target.request('/users/u2')).headers.get('ETag')!;
    const renamed = SAMPLE_USERS.map((u) => (u.id === 'u2' ? { ...u, name: 'Rear Adm. Hopper' } : u));
    const res = await app(renamed).target.request('/users/u2', { headers: { 'If-None-Match': before } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).not.toBe(before);
  });

  it('answers an unknown user with a 404 problem+json', async () => {
    const res = await app().target.request('/users/u9');
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(await res.json()).toEqual({
      type: 'about:blank', title: 'Not Found', status: 404,
      detail: 'There is no user with this id.', instance: '/users/u9',
    });
  });

  it('never queries storage for something that cannot be an id', async () => {
    const { target, calls } = app();
    for (const path of ['/users/' + 'x'.repeat(65), '/users/u1%27%20OR%201=1', '/users/%2E%2E']) {
      const res = await target.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    }
    expect(calls()).toBe(0);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const res = await app().target.request('/users/u2', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBeTruthy();
    expect(await res.text()).toBe('');
  });

  it('answers other methods with 405, Allow and a problem body', async () => {
    const res = await app().target.request('/users/u2', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, HEAD');
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  });

  it('answers unknown paths with a problem 404, not a plain-text one', async () => {
    const res = await app().target.request('/accounts/u2');
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  });
});
