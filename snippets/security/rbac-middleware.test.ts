import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ErrorLogEntry } from '../http/error-middleware.ts';
import { PROBLEM_JSON } from '../http/problem.ts';
import { memoryInvoices, type Invoice } from './authorization.ts';
import { createInvoiceApp, type User } from './rbac-middleware.ts';
import { definePolicy, POLICY, PolicyError } from './rbac.ts';

const ROWS: Invoice[] = [
  { id: 'inv_1', tenantId: 'acme', ownerId: 'ann', sharedWith: ['bob'], amountCents: 12_500 },
  { id: 'inv_2', tenantId: 'acme', ownerId: 'dee', sharedWith: [], amountCents: 900 },
  { id: 'inv_3', tenantId: 'globex', ownerId: 'eve', sharedWith: [], amountCents: 40 },
];

const USERS: Record<string, User> = {
  ann: { id: 'ann', tenantId: 'acme', roles: ['clerk'] },
  bob: { id: 'bob', tenantId: 'acme', roles: ['viewer'] },
  cat: { id: 'cat', tenantId: 'acme', roles: ['auditor'] },
  dee: { id: 'dee', tenantId: 'acme', roles: ['admin'] },
  eve: { id: 'eve', tenantId: 'globex', roles: ['admin'] },
  // Signed in, but holds no role, or only one the policy no longer has.
  nobody: { id: 'nobody', tenantId: 'acme', roles: [] },
  stale: { id: 'stale', tenantId: 'acme', roles: ['superuser'] },
};

const authenticate = (c: Context) =>
  USERS[c.req.header('Authorization')?.replace(/^Bearer /, '') ?? ''];

function setup({ sameId = false, rows = ROWS } = {}) {
  const logged: ErrorLogEntry[] = [];
  let n = 0;
  const store = memoryInvoices(rows);
  const app = createInvoiceApp({ store, authenticate, log: (e) => logged.push(e),
    newId: () => (sameId ? 'req-same' : `req-${++n}`) });
  const as = (who: string | undefined, method: string, path: string,
    headers: Record<string, string> = {}) => app.request(path, { method,
    headers: { ...(who ? { Authorization: `Bearer ${who}` } : {}), ...headers } });
  return { app, as, store, logged };
}

async function problem(res: Response) {
  expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  const body = (await res.json()) as { type: string; status: number; detail?: string };
  expect(body.status).toBe(res.status);
  return body;
}

/** Every route the framework knows, with ids filled in: not our own list. */
function registeredRoutes(app: ReturnType<typeof setup>['app']) {
  const seen = new Set(app.routes
    // Only app.use(fn) with no path: the error, request-id and auth
    // middleware. app.all('/x', h) and app.use('/x', h) answer requests.
    .filter((r) => !(r.method === 'ALL' && r.path === '/*'))
    // app.on(method, path, guard, handler) lists the path once per handler
    .map((r) => `${r.method === 'ALL' ? 'GET' : r.method} ${r.path
      .replace(/:[^/]+/g, 'inv_1').replace(/\*/g, 'x')}`));
  return [...seen].map((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return { method, path };
  });
}

describe('every route is denied by default', () => {
  const { app } = setup();
  const routes = registeredRoutes(app);

  it('has the routes this test expects, so none slips past it', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /invoices/inv_1', 'GET /invoices', 'GET /invoices/inv_1',
      'GET /reports/totals', 'GET /settings']);
  });

  it.each(routes)('$method $path: 401 with a challenge for an anonymous caller', async ({ method, path }) => {
    const res = await setup().as(undefined, method, path);
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="invoices"');
    expect((await problem(res)).type).toMatch(/\/unauthenticated$/);
  });

  it.each(routes)('$method $path: 403 for a user with no roles', async ({ method, path }) => {
    const res = await setup().as('nobody', method, path);
    expect(res.status).toBe(403);
    expect((await problem(res)).type).toMatch(/\/forbidden$/);
  });

  it.each(routes)('$method $path: 403 for a role the policy does not know', async ({ method, path }) => {
    expect((await setup().as('stale', method, path)).status).toBe(403);
  });

  it('ignores roles the client claims for itself', async () => {
    const res = await setup().as('bob', 'GET', '/settings',
      { 'X-Roles': 'admin', 'X-User-Role': 'admin' });
    expect(res.status).toBe(403);
  });

  it('401s before it looks anything up: a missing id and a real one look alike', async () => {
    const { as } = setup({ sameId: true });
    const real = await as(undefined, 'GET', '/invoices/inv_1');
    const missing = await as(undefined, 'GET', '/invoices/inv_999');
    expect(await real.text()).toBe(await missing.text());
  });

  it('403s on the role before it looks anything up: no existence leak', async () => {
    const { as } = setup({ sameId: true });
    const real = await as('bob', 'DELETE', '/invoices/inv_1');
    const missing = await as('bob', 'DELETE', '/invoices/inv_999');
    expect(real.status).toBe(403);
    expect(await real.text()).toBe(await missing.text());
  });

  it('names the missing permission in the 403, and nothing about the data', async () => {
    const body = await problem(await setup().as('bob', 'DELETE', '/invoices/inv_1'));
    expect(body.detail).toBe('Requires invoices:delete.');
  });
});

describe('the role hierarchy reaches the routes', () => {
  it('lets a clerk read, through viewer', async () => {
    expect((await setup().as('ann', 'GET', '/invoices/inv_1')).status).toBe(200);
  });

  it('lets an admin use what clerk, auditor and viewer grant, and its own', async () => {
    const { as } = setup();
    expect((await as('dee', 'GET', '/invoices')).status).toBe(200);
    expect((await as('dee', 'GET', '/reports/totals')).status).toBe(200);
    expect((await as('dee', 'GET', '/settings')).status).toBe(200);
  });

  it('keeps juniors out of senior routes', async () => {
    const { as } = setup();
    expect((await as('cat', 'GET', '/settings')).status).toBe(403);
    expect((await as('cat', 'DELETE', '/invoices/inv_1')).status).toBe(403);
    expect((await as('ann', 'GET', '/reports/totals')).status).toBe(403);
  });
});

describe('roles are not ownership: object checks still apply (IDOR)', () => {
  it('gives an admin of another tenant the 404 a missing id gets', async () => {
    const { as } = setup({ sameId: true });
    const guessed = await as('eve', 'GET', '/invoices/inv_1');
    const missing = await as('eve', 'GET', '/invoices/inv_999');
    expect(guessed.status).toBe(404);
    expect({ headers: [...guessed.headers], body: await guessed.text() })
      .toEqual({ headers: [...missing.headers], body: await missing.text() });
  });

  it('finds nothing in another tenant even when the id exists there', async () => {
    expect((await setup().as('dee', 'GET', '/invoices/inv_3')).status).toBe(404);
  });

  it('refuses an admin who may delete invoices but not this one, and keeps it', async () => {
    const { as, store } = setup();
    expect((await as('dee', 'DELETE', '/invoices/inv_1')).status).toBe(404);
    expect(store.find('acme', 'inv_1')).toBeDefined();
  });

  it('gives 403 when the caller can see the invoice but may not delete it', async () => {
    const rows = ROWS.map((r) => r.id === 'inv_1'
      ? { ...r, sharedWith: ['bob', 'dee'] } : r);
    const { as, store } = setup({ rows });
    expect((await as('dee', 'DELETE', '/invoices/inv_1')).status).toBe(403);
    expect(store.find('acme', 'inv_1')).toBeDefined();
  });

  it('lets the owner with the permission delete it', async () => {
    const { as, store } = setup();
    expect((await as('ann', 'DELETE', '/invoices/inv_1')).status).toBe(204);
    expect(store.find('acme', 'inv_1')).toBeUndefined();
  });
});

describe('lists are filtered in the query', () => {
  const ids = async (res: Response) =>
    ((await res.json()) as Invoice[]).map((i) => `${i.tenantId}/${i.id}`).sort();

  it('shows each user only what they may read, in their tenant', async () => {
    const { as } = setup();
    expect(await ids(await as('bob', 'GET', '/invoices'))).toEqual(['acme/inv_1']);
    expect(await ids(await as('dee', 'GET', '/invoices'))).toEqual(['acme/inv_2']);
    expect(await ids(await as('eve', 'GET', '/invoices'))).toEqual(['globex/inv_3']);
  });

  it('reports over the whole tenant for an auditor, and never past it', async () => {
    const { as } = setup();
    expect(await (await as('cat', 'GET', '/reports/totals')).json())
      .toEqual({ count: 2, amountCents: 13_400 });
    expect(await (await as('eve', 'GET', '/reports/totals')).json())
      .toEqual({ count: 1, amountCents: 40 });
  });
});

describe('configuration mistakes stop the app from starting', () => {
  it('refuses to build when a route needs a permission the policy lacks', () => {
    const partial = definePolicy({ permissions: ['invoices:read', 'invoices:delete',
      'reports:read'], roles: { admin: { grants: ['invoices:read'] } } });
    expect(() => createInvoiceApp({ store: memoryInvoices([]), authenticate,
      log: () => {} }, partial)).toThrow(/unknown permission "settings:read"/);
  });

  it('builds with the shipped policy', () => {
    expect(POLICY.permission('settings:read')).toBe('settings:read');
  });

  it('logs refusals with status and route, never the token', async () => {
    const { as, logged } = setup();
    await as('bob', 'GET', '/settings');
    await as(undefined, 'GET', '/settings');
    expect(logged.map((e) => [e.status, e.code, e.route])).toEqual([
      [403, 'forbidden', '/settings'], [401, 'unauthenticated', '/settings']]);
    expect(JSON.stringify(logged)).not.toContain('Bearer');
  });
});

describe('PolicyError is the startup error type', () => {
  it('is what a bad route permission throws', () => {
    expect(() => POLICY.permission('invoices:write')).toThrow(PolicyError);
  });
});
