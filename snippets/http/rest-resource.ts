/**
 * A REST resource in the small: books are identified by URIs, manipulated
 * through JSON representations with the standard methods, and every GET
 * response is self-descriptive and cacheable, so a client revalidates with
 * If-None-Match and gets 304 instead of the same bytes again.
 * @see https://ics.uci.edu/~fielding/pubs/dissertation/rest_arch_style.htm
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2
 */
import { z } from 'zod';
import {
  createRouter, endpoint, notFound, type Endpoint,
} from './endpoint-router.ts';
import { etagOf, ifNoneMatchHits } from './etag.ts';
import type { Handler } from './http-methods.ts';
import { readJsonBody } from './json-body.ts';

export interface Book { id: string; title: string; author: string }

/** Storage behind the resource; a database in production. */
export interface BookStore {
  list(): Book[];
  get(id: string): Book | undefined;
  insert(input: Omit<Book, 'id'>): Book;
  remove(id: string): boolean;
}

const bookInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  author: z.string().trim().min(1).max(200),
});

// Caches may keep a copy but must revalidate it before each reuse
// (RFC 9111 §5.2.2.4): that revalidation is the conditional GET below.
const REVALIDATE = { 'Cache-Control': 'no-cache' };

// #region create
async function createBook(req: Request, books: BookStore) {
  const input = await readJsonBody(req, bookInput); // 415, 400, 413, 422
  if (!input.ok) return input.response;
  const book = books.insert(input.data);
  const body = JSON.stringify(book);
  const uri = `/books/${book.id}`;
  return new Response(body, { status: 201, headers: {
    'Content-Type': 'application/json',
    Location: uri, // the new resource's identifier
    'Content-Location': uri, // the body is its current representation,
    ETag: etagOf(book), // so this tag validates it (RFC 9110 §8.8)
  } });
}
// #endregion create

// #region read
function readBook(req: Request, book: Book | undefined) {
  if (!book) return notFound(req);
  const body = JSON.stringify(book);
  const headers = { ETag: etagOf(book), ...REVALIDATE };
  // The client's copy is current: answer 304 with the same validators
  // and no content (RFC 9110 §13.1.2, §15.4.5). HEAD gets the same.
  if (ifNoneMatchHits(req.headers.get('If-None-Match'), headers.ETag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, {
    headers: { ...headers, 'Content-Type': 'application/json' } });
}
// #endregion read

/** The collection and its members: two URIs, four operations. */
export function bookEndpoints(books: BookStore): Endpoint[] {
  const byId = z.object({ id: z.string().regex(/^[1-9][0-9]{0,9}$/) });
  return [
    endpoint({ method: 'GET', path: '/books', summary: 'List books',
      handler: () => Response.json({ items: books.list() },
        { headers: REVALIDATE }) }),
    endpoint({ method: 'POST', path: '/books', summary: 'Add a book',
      handler: (req) => createBook(req, books) }),
    endpoint({ method: 'GET', path: '/books/{id}', summary: 'Get a book',
      params: byId, handler: (req, { id }) => readBook(req, books.get(id)) }),
    endpoint({ method: 'DELETE', path: '/books/{id}', summary: 'Remove it',
      params: byId, handler: (req, { id }) => books.remove(id)
        ? new Response(null, { status: 204 }) : notFound(req) }),
  ];
}

/** In-memory store with sequential ids, so tests and the demo repeat. */
export function memoryBooks(): BookStore {
  const books = new Map<string, Book>();
  let seq = 0;
  return {
    list: () => [...books.values()],
    get: (id) => books.get(id),
    insert(input) {
      const book = { id: String(++seq), ...input };
      books.set(book.id, book);
      return book;
    },
    remove: (id) => books.delete(id),
  };
}

export const createBooksApi = (books: BookStore): Handler =>
  createRouter(bookEndpoints(books));

if (import.meta.main) {
  const api = createBooksApi(memoryBooks());
  const send = (method: string, path: string, headers = {}, body?: string) =>
    api(new Request(`https://api.example${path}`, { method, headers, body }));
  const show = async (label: string, res: Response) => {
    const text = await res.text();
    const keys = ['Location', 'ETag', 'Allow'].filter((k) => res.headers.has(k));
    const meta = keys.map((k) => `${k}: ${res.headers.get(k)}`).join(', ');
    const detail = text && !res.ok
      ? (JSON.parse(text) as { detail: string }).detail : '(no content)';
    console.log(`${label.padEnd(26)} -> ${res.status} ${meta || detail}`);
  };

  const json = { 'Content-Type': 'application/json' };
  await show('POST /books', await send('POST', '/books', json,
    '{"title":"Dune","author":"Frank Herbert"}'));
  const first = await send('GET', '/books/1');
  await show('GET /books/1', first);
  const etag = first.headers.get('ETag')!;
  await show('GET /books/1 If-None-Match',
    await send('GET', '/books/1', { 'If-None-Match': etag }));
  await show('PUT /books/1', await send('PUT', '/books/1', json, '{}'));
  await show('DELETE /books/1', await send('DELETE', '/books/1'));
  await show('GET /books/1 If-None-Match',
    await send('GET', '/books/1', { 'If-None-Match': etag }));
}
