import { describe, expect, it } from 'vitest';
import { typeUri } from './error-catalog.ts';
import { etagOf } from './etag.ts';
import { createDocsApp, memoryDocs } from './not-found.ts';
import { PROBLEM_JSON } from './problem.ts';
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
  return { app: createApp({ store, exports, log: () => {} }), store, exports };
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
    const bytes = Buffer.byteLength(await get.text());
    expect(get.headers.get('Content-Length')).toBe(String(bytes));
    const head = await app.request('/notes/1', { method: 'HEAD' });
    expect(head.status).toBe(200);
    for (const name of ['Content-Type', 'Content-Length', 'ETag', 'Cache-Control']) {
      expect(head.headers.get(name), name).not.toBeNull();
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    }
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

describe('validators and cache controls on GET', () => {
  it('sends a strong ETag and Cache-Control: no-cache with the note', async () => {
    const { app } = setup();
    await created(app);
    const res = await app.request('/notes/1');
    expect(res.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
  });

  it('sends them on the list too, since a 200 is heuristically cacheable', async () => {
    const { app } = setup();
    const res = await app.request('/notes?q=x');
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toMatch(/^"/);
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
  });

  it('answers a matching If-None-Match with 304: no body, same validators', async () => {
    const { app } = setup();
    await created(app);
    const first = await app.request('/notes/1');
    const etag = first.headers.get('ETag')!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await app.request('/notes/1', { headers: { 'If-None-Match': header } });
      expect(again.status, header).toBe(304);
      expect(again.headers.get('ETag')).toBe(etag);
      expect(again.headers.get('Cache-Control')).toBe('no-cache');
      expect(await again.text()).toBe('');
    }
  });

  it('answers a stale If-None-Match with 200 and the new ETag after a change', async () => {
    const { app } = setup();
    await created(app);
    const before = (await app.request('/notes/1')).headers.get('ETag')!;
    await app.request('/notes/1', send('PUT', '{"title":"Changed"}'));
    const after = await app.request('/notes/1', { headers: { 'If-None-Match': before } });
    expect(after.status).toBe(200);
    expect(after.headers.get('ETag')).not.toBe(before);
    expect(await after.json()).toMatchObject({ title: 'Changed' });
  });

  it('evaluates If-Match first: a stale one gets 412, even beside a matching If-None-Match', async () => {
    const { app } = setup();
    await created(app);
    const etag = (await app.request('/notes/1')).headers.get('ETag')!;
    const cases: [Record<string, string>, number][] = [
      [{ 'If-Match': '"stale"' }, 412],
      [{ 'If-Match': `W/${etag}` }, 412], // If-Match compares strongly (§13.1.1)
      [{ 'If-Match': '"stale"', 'If-None-Match': etag }, 412], // §13.2.2: If-Match first
      [{ 'If-Match': `"stale", ${etag}` }, 200],
      [{ 'If-Match': '*' }, 200],
      [{ 'If-Match': etag, 'If-None-Match': etag }, 304],
    ];
    for (const [headers, status] of cases) {
      const res = await app.request('/notes/1', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(status);
      if (status === 412) {
        expect(res.headers.get('Content-Type')).toBe('application/problem+json');
        expect(await res.json()).toMatchObject({ status: 412 });
      }
    }
  });

  it('derives the ETag from the representation alone, so every instance agrees', async () => {
    const [one, two] = [setup().app, setup().app]; // two servers, same data
    await created(one, 'Same');
    await created(two, 'Same');
    const [a, b] = [await one.request('/notes/1'), await two.request('/notes/1')];
    expect(a.headers.get('ETag')).toBe(b.headers.get('ETag'));
    expect(a.headers.get('ETag')).toBe(etagOf(await a.json()));
  });

  it('ignores If-None-Match on a missing note: 404, not 304', async () => {
    const { app } = setup();
    const res = await app.request('/notes/9', { headers: { 'If-None-Match': '*' } });
    expect(res.status).toBe(404);
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
  const bad: [string, number, string, RequestInit | undefined][] = [
    ['broken JSON', 400, '/notes', send('POST', '{"title":')],
    ['empty body', 400, '/notes', send('POST', '')],
    ['JSON that is not an object', 422, '/notes', send('POST', '"hello"')],
    ['blank title', 422, '/notes', send('POST', '{"title":"   "}')],
    ['wrong type', 422, '/notes', send('POST', '{"title":42}')],
    ['unknown field', 422, '/notes', send('POST', '{"title":"a","admin":true}')],
    ['title too long', 422, '/notes', send('POST', JSON.stringify({ title: 'x'.repeat(201) }))],
    ['form body', 415, '/notes', { method: 'POST', body: 'title=a',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }],
    ['no content type', 415, '/notes', { method: 'POST', body: '{"title":"a"}' }],
    ['unknown note', 404, '/notes/42', undefined],
    ['unknown route', 404, '/nope', undefined],
  ];

  it.each(bad)('%s -> %i', async (_name, status, path, init) => {
    const { app } = setup();
    const res = await app.request(path, init);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    const problem = await bodyOf<Problem>(res);
    // 404s come from the shared catalog; body errors from json-body.ts.
    const type = status === 404 ? typeUri('not-found') : 'about:blank';
    expect(problem).toMatchObject({ status, type });
    expect(problem.detail).toEqual(expect.any(String));
  });

  it('answers 404 in the same problem shape as the documents API (Q5)', async () => {
    const { app } = setup();
    const docs = createDocsApp({ store: memoryDocs([]), authenticate: () => 'ann',
      now: () => 0, log: () => {} });
    const responses = [
      await app.request('/notes/9'), await app.request('/nope'),
      await docs.request('/documents/d9'), await docs.request('/nope'),
    ];
    const bodies: Record<string, unknown>[] = [];
    for (const res of responses) {
      expect(res.status).toBe(404);
      expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
      expect(res.headers.get('X-Request-Id')).toEqual(expect.any(String));
      bodies.push(await bodyOf<Record<string, unknown>>(res));
    }
    const shape = (b: Record<string, unknown>) => ({
      members: Object.keys(b).sort(), type: b.type, title: b.title, status: b.status,
    });
    expect(shape(bodies[0]!)).toEqual({
      members: ['detail', 'requestId', 'status', 'title', 'type'],
      type: typeUri('not-found'), title: 'Not found', status: 404,
    });
    for (const body of bodies) expect(shape(body)).toEqual(shape(bodies[0]!));
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
