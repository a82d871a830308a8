import { describe, expect, it } from 'vitest';
import { createApp, memoryQueue, memoryStore, type Note } from './success-status.ts';

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

const bodyOf = async <T>(res: Response) => (await res.json()) as T;

function setup() {
  const store = memoryStore();
  const exports = memoryQueue();
  return { app: createApp({ store, exports }), store, exports };
}

const send = (method: string, body: string, headers = {}): RequestInit => ({
  method,
  body,
  headers: { 'Content-Type': 'application/json', ...headers },
});

async function created(app: ReturnType<typeof createApp>, title = 'Draft') {
  const res = await app.request('/notes', send('POST', JSON.stringify({ title })));
  expect(res.status).toBe(201);
  return res.headers.get('Location')!;
}

describe('200 OK on GET and HEAD', () => {
  it('returns the representation of the target resource as JSON', async () => {
    const { app } = setup();
    await created(app, 'Groceries');
    const res = await app.request('/notes/1');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: '1', title: 'Groceries', body: '' });
  });

  it('answers HEAD from the GET route: same status and headers, no body', async () => {
    const { app } = setup();
    await created(app);
    const get = await app.request('/notes/1');
    const head = await app.request('/notes/1', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Type')).toBe(get.headers.get('Content-Type'));
    expect(head.body).toBeNull();
    expect(await head.text()).toBe('');
  });

  it('answers HEAD for a missing note with 404 and no body', async () => {
    const { app } = setup();
    const head = await app.request('/notes/9', { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });

  it('treats a search with no matches as a success: 200 and an empty list', async () => {
    const { app } = setup();
    await created(app, 'Groceries');
    const none = await app.request('/notes?q=taxes');
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ items: [] });
    const some = await app.request('/notes?q=GROC');
    expect((await bodyOf<{ items: Note[] }>(some)).items).toHaveLength(1);
  });
});

describe('201 Created on POST', () => {
  it('sends Location with an absolute-path reference to the new note', async () => {
    const { app } = setup();
    const res = await app.request('/notes', send('POST', '{"title":"Draft"}'));
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/notes/1');
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: '1', title: 'Draft', body: '' });
  });

  it('points Location at a resource that GET then returns, as created', async () => {
    const { app } = setup();
    const res = await app.request('/notes', send('POST', '{"title":"  Trim me "}'));
    const representation = await bodyOf<Note>(res);
    expect(representation.title).toBe('Trim me');
    const follow = await app.request(res.headers.get('Location')!);
    expect(follow.status).toBe(200);
    expect(await follow.json()).toEqual(representation);
  });

  it('gives each created note its own Location', async () => {
    const { app } = setup();
    expect(await created(app)).toBe('/notes/1');
    expect(await created(app)).toBe('/notes/2');
  });
});

describe('PUT answers 200 with the stored state, or 204 on request', () => {
  it('returns 200 and the representation after replacing', async () => {
    const { app } = setup();
    await created(app);
    const res = await app.request('/notes/1', send('PUT', '{"title":" Final ","body":"x"}'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '1', title: 'Final', body: 'x' });
    expect(await (await app.request('/notes/1')).json()).toMatchObject({ title: 'Final' });
  });

  it.each(['return=minimal', 'respond-async, RETURN = minimal', 'return="minimal"'])(
    'returns 204 with no body for Prefer: %s, and still applies the change',
    async (prefer) => {
      const { app } = setup();
      await created(app);
      const res = await app.request('/notes/1', send('PUT', '{"title":"Final"}', { Prefer: prefer }));
      expect(res.status).toBe(204);
      expect(res.headers.get('Preference-Applied')).toBe('return=minimal');
      expect(await res.text()).toBe('');
      expect(await (await app.request('/notes/1')).json()).toMatchObject({ title: 'Final' });
    },
  );

  it('ignores other preferences and keeps 200', async () => {
    const { app } = setup();
    await created(app);
    const res = await app.request('/notes/1',
      send('PUT', '{"title":"Final"}', { Prefer: 'return=representation' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('Preference-Applied')).toBeNull();
  });

  it('returns 404 for an unknown id and creates nothing', async () => {
    const { app } = setup();
    const res = await app.request('/notes/7', send('PUT', '{"title":"Ghost"}'));
    expect(res.status).toBe(404);
    expect(await (await app.request('/notes')).json()).toEqual({ items: [] });
  });

  it('rejects an invalid replacement with 422 and keeps the old state', async () => {
    const { app } = setup();
    await created(app, 'Keep');
    const res = await app.request('/notes/1', send('PUT', '{"title":""}'));
    expect(res.status).toBe(422);
    expect(await (await app.request('/notes/1')).json()).toMatchObject({ title: 'Keep' });
  });
});

describe('204 No Content on DELETE', () => {
  it('deletes with an empty body, then the note is gone', async () => {
    const { app } = setup();
    await created(app);
    const res = await app.request('/notes/1', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await app.request('/notes/1')).status).toBe(404);
  });

  it('returns 404 when there is nothing to delete', async () => {
    const { app } = setup();
    expect((await app.request('/notes/1', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('202 Accepted for work that finishes later', () => {
  it('queues an export and points Location at its status monitor', async () => {
    const { app } = setup();
    await created(app);
    const res = await app.request('/notes/1/exports', { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.headers.get('Location')).toBe('/exports/exp-1');
    expect(await res.json()).toEqual({ id: 'exp-1', noteId: '1', state: 'queued' });
  });

  it('serves the monitor as an uncacheable 200 that tracks the job', async () => {
    const { app, exports } = setup();
    await created(app);
    const accepted = await app.request('/notes/1/exports', { method: 'POST' });
    exports.get('exp-1')!.state = 'done'; // a worker finished it
    const monitor = await app.request(accepted.headers.get('Location')!);
    expect(monitor.status).toBe(200);
    expect(monitor.headers.get('Cache-Control')).toBe('no-store');
    expect(await monitor.json()).toMatchObject({ state: 'done' });
  });

  it('refuses to queue work for a missing note', async () => {
    const { app, exports } = setup();
    const res = await app.request('/notes/5/exports', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(exports.get('exp-1')).toBeUndefined();
  });
});

describe('failures are 4xx with a problem body, never 200', () => {
  const bad: [string, string, RequestInit | undefined, number][] = [
    ['broken JSON', '/notes', send('POST', '{"title":'), 400],
    ['empty body', '/notes', send('POST', ''), 400],
    ['JSON that is not an object', '/notes', send('POST', '"hello"'), 422],
    ['blank title', '/notes', send('POST', '{"title":"   "}'), 422],
    ['wrong type', '/notes', send('POST', '{"title":42}'), 422],
    ['unknown field', '/notes', send('POST', '{"title":"a","admin":true}'), 422],
    ['title too long', '/notes', send('POST', JSON.stringify({ title: 'x'.repeat(201) })), 422],
    ['form body', '/notes', { method: 'POST', body: 'title=a',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415],
    ['no content type', '/notes', { method: 'POST', body: '{"title":"a"}' }, 415],
    ['unknown note', '/notes/42', undefined, 404],
    ['unknown route', '/nope', undefined, 404],
  ];

  it.each(bad)('%s -> %i', async (_name, path, init, status) => {
    const { app } = setup();
    const res = await app.request(path, init);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    const problem = await bodyOf<Problem>(res);
    expect(problem).toMatchObject({ status, type: 'about:blank' });
    expect(problem.detail).toEqual(expect.any(String));
  });

  it('names each invalid field in a 422', async () => {
    const { app } = setup();
    const res = await app.request('/notes', send('POST', '{"title":"","body":7}'));
    expect(res.status).toBe(422);
    const { errors = [] } = await bodyOf<Problem>(res);
    expect(errors.map((e) => e.pointer).sort()).toEqual(['#/body', '#/title']);
  });

  it('stores nothing when a create is rejected', async () => {
    const { app } = setup();
    await app.request('/notes', send('POST', '{"title":'));
    await app.request('/notes', send('POST', '{"title":""}'));
    expect(await (await app.request('/notes')).json()).toEqual({ items: [] });
    expect(await created(app)).toBe('/notes/1');
  });
});
