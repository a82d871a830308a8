import { describe, expect, it } from 'vitest';
import { etagOf } from './etag.ts';
import { createBooksApi, memoryBooks, type Book } from './rest-resource.ts';

function setup() {
  const books = memoryBooks();
  const api = createBooksApi(books);
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    api(new Request(`https://api.example${path}`, { method, headers, body }));
  const create = (title = 'Dune', author = 'Frank Herbert') => send('POST', '/books',
    { 'Content-Type': 'application/json' }, JSON.stringify({ title, author }));
  return { books, send, create };
}

describe('resources have URIs; POST to the collection creates one (201)', () => {
  it('answers 201 with Location, Content-Location, ETag and the representation', async () => {
    const { create } = setup();
    const res = await create();
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/books/1');
    expect(res.headers.get('Content-Location')).toBe('/books/1');
    expect(res.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(await res.json()).toEqual({ id: '1', title: 'Dune', author: 'Frank Herbert' });
  });

  it('tags the exact JSON it sends', async () => {
    const { create } = setup();
    const res = await create();
    const etag = res.headers.get('ETag');
    expect(etag).toBe(etagOf(JSON.parse(await res.text())));
  });

  it('sends in the 201 the ETag that a GET of Location then sends', async () => {
    const { create, send } = setup();
    const created = await create();
    const fetched = await send('GET', created.headers.get('Location')!);
    expect(fetched.headers.get('ETag')).toBe(created.headers.get('ETag'));
    expect(await fetched.json()).toEqual(await created.json());
  });

  it('lists members of the collection, revalidated before each reuse', async () => {
    const { create, send } = setup();
    await create('Dune');
    await create('Emma', 'Jane Austen');
    const res = await send('GET', '/books');
    // The list changes with every POST: a cache must not serve it stale.
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    const { items } = (await res.json()) as { items: Book[] };
    expect(items.map((b) => b.id)).toEqual(['1', '2']);
  });

  it.each([
    ['text/plain', '{"title":"a","author":"b"}', 415],
    ['application/json', '{"title":', 400],
    ['application/json', '{"title":"","author":"b"}', 422],
    ['application/json', '{"title":"a","author":"b","id":"9"}', 422],
  ])('refuses %s %s with %i and creates nothing', async (type, body, status) => {
    const { send, books } = setup();
    const res = await send('POST', '/books', { 'Content-Type': type }, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(books.list()).toEqual([]);
  });
});

describe('GET is cacheable and revalidated with If-None-Match (RFC 9110 §13.1.2)', () => {
  it('sends ETag and Cache-Control: no-cache with the representation', async () => {
    const { create, send } = setup();
    await create();
    const res = await send('GET', '/books/1');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(res.headers.get('ETag')).toBeTruthy();
  });

  it('answers a matching If-None-Match with 304, the same validators and no content (§15.4.5)', async () => {
    const { create, send } = setup();
    await create();
    const etag = (await send('GET', '/books/1')).headers.get('ETag')!;
    const res = await send('GET', '/books/1', { 'If-None-Match': etag });
    expect(res.status).toBe(304);
    expect(res.headers.get('ETag')).toBe(etag);
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(res.headers.get('Content-Type')).toBeNull();
    expect(res.body).toBeNull();
  });

  it.each([
    ['a list that contains it', (t: string) => `"nope", ${t}`],
    ['its weak form (weak comparison)', (t: string) => `W/${t}`],
    ['*', () => '*'],
  ])('also answers 304 for %s', async (_label, header) => {
    const { create, send } = setup();
    await create();
    const etag = (await send('GET', '/books/1')).headers.get('ETag')!;
    expect((await send('GET', '/books/1', { 'If-None-Match': header(etag) })).status).toBe(304);
  });

  it.each(['"stale"', 'garbage', ''])('answers 200 for If-None-Match: %s', async (header) => {
    const { create, send } = setup();
    await create();
    expect((await send('GET', '/books/1', { 'If-None-Match': header })).status).toBe(200);
  });

  it('answers HEAD conditionally too, never with content', async () => {
    const { create, send } = setup();
    await create();
    const head = await send('HEAD', '/books/1');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const etag = head.headers.get('ETag')!;
    expect((await send('HEAD', '/books/1', { 'If-None-Match': etag })).status).toBe(304);
  });

  it('ignores If-None-Match when the answer would not be 2xx (§13.2.1)', async () => {
    const { send } = setup();
    expect((await send('GET', '/books/7', { 'If-None-Match': '*' })).status).toBe(404);
  });

  it('changes the ETag when the representation changes', async () => {
    const { create, send } = setup();
    await create('Dune');
    await create('Emma', 'Jane Austen');
    const a = (await send('GET', '/books/1')).headers.get('ETag');
    const b = (await send('GET', '/books/2')).headers.get('ETag');
    expect(a).not.toBe(b);
  });
});

describe('the uniform interface: standard methods and status codes', () => {
  it('deletes with 204, then the URI is 404', async () => {
    const { create, send } = setup();
    await create();
    expect((await send('DELETE', '/books/1')).status).toBe(204);
    expect((await send('GET', '/books/1')).status).toBe(404);
    expect((await send('DELETE', '/books/1')).status).toBe(404);
  });

  it('refuses a method the resource lacks with 405 and Allow', async () => {
    const { create, send } = setup();
    await create();
    const res = await send('PUT', '/books/1', { 'Content-Type': 'application/json' }, '{}');
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, HEAD, DELETE, OPTIONS');
    expect((await send('DELETE', '/books')).headers.get('Allow')).toBe('GET, HEAD, POST, OPTIONS');
  });

  it.each(['/books/abc', '/books/0', '/book/1', '/books/1/reviews'])('answers %s with 404', async (path) => {
    const { create, send } = setup();
    await create();
    expect((await send('GET', path)).status).toBe(404);
    // No resource there, so no method is "not allowed" on it either.
    expect((await send('PUT', path, { 'Content-Type': 'application/json' }, '{}')).status).toBe(404);
  });
});
