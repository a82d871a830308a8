/**
 * "Get user" as a REST resource: one URI per user, a JSON representation
 * with an ETag, and the generic HTTP machinery (status codes, conditional
 * GET, caches) doing work that other styles must rebuild.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1
 */
import { Hono } from 'hono';
import { etagOf, ifNoneMatchHits } from '../http/etag.ts';
import { statusProblem } from '../http/problem.ts';
import {
  createMemoryUserRepository, isUserId, SAMPLE_USERS,
  type User, type UserRepository,
} from './user-repository.ts';

/** The public representation: every field, whether the client wants it. */
export function userRepresentation(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    managerId: user.managerId,
  };
}

export function createUserRestApp(repo: UserRepository): Hono {
  const app = new Hono();
  // #region rest
  // Hono answers HEAD from this GET handler, with the body dropped.
  app.get('/users/:id', async (c) => {
    const id = c.req.param('id');
    const user = isUserId(id) ? await repo.findById(id) : undefined;
    if (!user) {
      return statusProblem(404, 'There is no user with this id.', {},
        { instance: c.req.path });
    }
    const body = userRepresentation(user);
    const etag = etagOf(body);
    // Per-user data: caches may keep it but must revalidate (RFC 9111).
    const headers = { ETag: etag, 'Cache-Control': 'private, no-cache' };
    // A 304 repeats the headers a 200 would carry (RFC 9110 §15.4.5).
    if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) {
      return c.body(null, 304, headers);
    }
    return c.json(body, 200, headers);
  });
  // #endregion rest
  // Any other method on a user: 405 with Allow (RFC 9110 §15.5.6).
  app.all('/users/:id', () =>
    statusProblem(405, undefined, { Allow: 'GET, HEAD' }));
  app.notFound((c) =>
    statusProblem(404, undefined, {}, { instance: c.req.path }));
  return app;
}

if (import.meta.main) {
  const app = createUserRestApp(createMemoryUserRepository(SAMPLE_USERS));
  const first = await app.request('/users/u2');
  const etag = first.headers.get('ETag') ?? '';
  console.log(`GET /users/u2 -> ${first.status} ETag: ${etag}`);
  console.log(await first.text());
  const again = await app.request('/users/u2',
    { headers: { 'If-None-Match': etag } });
  console.log(`GET /users/u2 (If-None-Match) -> ${again.status}, ` +
    `${(await again.text()).length} body bytes`);
  const missing = await app.request('/users/u9');
  console.log(`GET /users/u9 -> ${missing.status} ` +
    `${missing.headers.get('Content-Type')}`);
  console.log(await missing.text());
}
