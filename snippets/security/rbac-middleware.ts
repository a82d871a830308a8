/**
 * RBAC on a Hono API. Every route is declared with the permission it
 * needs, in one table, and registered behind `requirePermission`, so no
 * route exists without a check. The role check answers "may this role
 * ever do this?"; Q30's `authorize` then answers "to this invoice?", and
 * list queries are scoped to the caller's tenant. Refusals leave as RFC
 * 9457 problems through the shared error middleware.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html
 */
import { Hono, type Context, type Handler, type MiddlewareHandler } from 'hono';
import { AppError } from '../http/error-catalog.ts';
import {
  useProblemErrors, type ErrorLog, type ProblemEnv,
} from '../http/error-middleware.ts';
import {
  authorize, memoryInvoices, type InvoiceStore, type Principal,
} from './authorization.ts';
import { POLICY, type Policy } from './rbac.ts';

/** The caller, as the session or token says; roles are read server-side. */
export interface User extends Principal {
  readonly roles: readonly string[];
}

type RbacEnv = ProblemEnv & { Variables: { user: User | undefined } };


// #region require-permission
/**
 * Middleware that lets a request through only if the caller's roles
 * grant `permission`. The name is checked here, when the app is built,
 * so a typo stops the deploy instead of denying everyone at runtime.
 */
export function requirePermission(policy: Policy,
  permission: string): MiddlewareHandler<RbacEnv> {
  const needed = policy.permission(permission); // throws at startup
  return async (c, next) => {
    const user = c.var.user;
    if (!user) {
      throw new AppError('unauthenticated', {
        challenge: 'Bearer realm="invoices"' });
    }
    if (!policy.allows(user.roles, needed)) {
      throw new AppError('forbidden', { detail: `Requires ${needed}.` });
    }
    await next();
  };
}
// #endregion require-permission

export interface InvoiceAppDeps {
  store: InvoiceStore;
  /** The verified caller, or undefined (Q29, Q43 produce this). */
  authenticate: (c: Context) => User | undefined;
  log: ErrorLog;
  newId?: () => string;
}

interface Route {
  method: 'GET' | 'DELETE';
  path: string;
  permission: string;
  handler: Handler<RbacEnv>;
}

/** Builds the app; throws PolicyError if a route names an unknown permission. */
export function createInvoiceApp(deps: InvoiceAppDeps,
  policy: Policy = POLICY): Hono<RbacEnv> {
  const { store } = deps;
  const app = new Hono<RbacEnv>();
  useProblemErrors(app, { log: deps.log, newId: deps.newId });
  app.use(async (c, next) => {
    c.set('user', deps.authenticate(c));
    await next();
  });
  const me = (c: Context<RbacEnv>) => c.var.user!; // set, or 401 already
  const find = (c: Context<RbacEnv>) =>
    store.find(me(c).tenantId, c.req.param('id') ?? '');

  // #region routes
  const routes: Route[] = [
    { method: 'GET', path: '/invoices', permission: 'invoices:read',
      // Scoped in the query: the store never returns other tenants' rows.
      handler: (c) => c.json(store.listVisibleTo(me(c))) },
    { method: 'GET', path: '/invoices/:id', permission: 'invoices:read',
      handler: (c) => c.json(authorize(me(c), 'read', find(c))) },
    { method: 'DELETE', path: '/invoices/:id',
      permission: 'invoices:delete', handler: (c) => {
        const { tenantId, id } = authorize(me(c), 'delete', find(c));
        store.delete(tenantId, id);
        return c.body(null, 204);
      } },
    { method: 'GET', path: '/reports/totals', permission: 'reports:read',
      // The role covers the whole tenant, and still only the tenant.
      handler: (c) => c.json(totals(store.listTenant(me(c).tenantId))) },
    { method: 'GET', path: '/settings', permission: 'settings:read',
      handler: (c) => c.json({ tenantId: me(c).tenantId }) },
  ];
  for (const { method, path, permission, handler } of routes) {
    app.on(method, path, requirePermission(policy, permission), handler);
  }
  // #endregion routes
  return app;
}

function totals(invoices: readonly { amountCents: number }[]) {
  return { count: invoices.length,
    amountCents: invoices.reduce((sum, i) => sum + i.amountCents, 0) };
}

if (import.meta.main) {
  const users: Record<string, User> = {
    ann: { id: 'ann', tenantId: 'acme', roles: ['clerk'] },
    bob: { id: 'bob', tenantId: 'acme', roles: ['viewer'] },
    dee: { id: 'dee', tenantId: 'acme', roles: ['admin'] },
    eve: { id: 'eve', tenantId: 'globex', roles: ['admin'] },
  };
  let n = 0;
  const app = createInvoiceApp({
    store: memoryInvoices([
      { id: 'inv_1', tenantId: 'acme', ownerId: 'ann', sharedWith: ['bob'],
        amountCents: 12_500 },
      { id: 'inv_2', tenantId: 'acme', ownerId: 'dee', sharedWith: [],
        amountCents: 900 },
    ]),
    authenticate: (c) => users[c.req.header('Authorization')
      ?.replace(/^Bearer /, '') ?? ''],
    log: () => {},
    newId: () => `req-${++n}`,
  });
  const calls: [string, string, string?][] = [
    ['GET', '/invoices'],
    ['GET', '/invoices', 'bob'],
    ['GET', '/reports/totals', 'bob'],
    ['GET', '/reports/totals', 'dee'],
    ['GET', '/invoices/inv_1', 'eve'],
    ['DELETE', '/invoices/inv_1', 'bob'],
    ['DELETE', '/invoices/inv_1', 'dee'],
    ['DELETE', '/invoices/inv_1', 'ann'],
    ['GET', '/reports/totals', 'eve'],
  ];
  for (const [method, path, who] of calls) {
    const res = await app.request(path, { method,
      headers: who ? { Authorization: `Bearer ${who}` } : {} });
    const text = await res.text();
    const body = text ? JSON.parse(text) as Record<string, unknown> : {};
    const shown = Array.isArray(body)
      ? `ids: ${body.map((i: { id: string }) => i.id).join(', ') || '(none)'}`
      : res.ok ? text : String(body.detail ?? body.title);
    const call = `${method} ${path} (${who ?? 'anonymous'})`;
    console.log(`${call.padEnd(31)}-> ${res.status} ${shown}`.trimEnd());
  }
}
