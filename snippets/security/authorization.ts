/**
 * Object-level authorization for one resource type: may this user do
 * this action to this invoice? Deny by default: no user, no invoice,
 * another tenant's row or an action without a rule all answer `false`.
 * `authorize` turns the answer into the error a handler throws: 404 when
 * the caller may not even know the invoice exists, 403 when they can see
 * it but may not do this. Q47's RBAC routes call it after the role check.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html
 */
import { AppError } from '../http/error-catalog.ts';

/** Who is asking, as authentication established it (never the client). */
export interface Principal {
  readonly id: string;
  readonly tenantId: string;
}

export interface Invoice {
  readonly id: string;
  readonly tenantId: string;
  readonly ownerId: string;
  /** Users of the same tenant the owner shared it with, to read. */
  readonly sharedWith: readonly string[];
  readonly amountCents: number;
}

// #region policy
export type InvoiceAction = 'read' | 'update' | 'delete';
type Rule = (user: Principal, invoice: Invoice) => boolean;

const owns: Rule = (user, invoice) => invoice.ownerId === user.id;

/** One rule per action. An action that is not here is denied. */
const RULES: ReadonlyMap<string, Rule> = new Map<InvoiceAction, Rule>([
  ['read', (u, inv) => owns(u, inv) || inv.sharedWith.includes(u.id)],
  ['update', owns],
  ['delete', owns],
]);

/** True only when a rule grants it; every other path ends in false. */
export function can(user: Principal | undefined, action: string,
  invoice: Invoice | undefined): boolean {
  if (!user?.id || !user.tenantId || !invoice) return false;
  // Tenants never see each other's rows, whatever a rule says.
  if (invoice.tenantId !== user.tenantId) return false;
  const rule = RULES.get(action); // a Map: "constructor" is no action
  return rule !== undefined && rule(user, invoice);
}
// #endregion policy

// #region authorize
/**
 * The invoice, if `user` may do `action` to it; otherwise the error the
 * error middleware sends as a problem. No detail names the id or says
 * whose it is, so a guessed id learns nothing (RFC 9110 §15.5.4).
 */
export function authorize(user: Principal, action: InvoiceAction,
  invoice: Invoice | undefined): Invoice {
  if (!invoice || !can(user, 'read', invoice)) {
    throw new AppError('not-found', { detail: 'No such invoice.' });
  }
  if (!can(user, action, invoice)) {
    // They can already see it, so a 403 reveals nothing new.
    throw new AppError('forbidden', { detail: `You may not ${action} it.` });
  }
  return invoice;
}
// #endregion authorize

/** What handlers need from storage; every query names the tenant. */
export interface InvoiceStore {
  /** One invoice of `tenantId`; another tenant's id finds nothing. */
  find(tenantId: string, id: string): Invoice | undefined;
  /** The invoices `user` owns or was shared, in their tenant. */
  listVisibleTo(user: Principal): Invoice[];
  /** Every invoice of one tenant, for roles that report on all of them. */
  listTenant(tenantId: string): Invoice[];
  delete(tenantId: string, id: string): void;
}

/** In-memory store for tests and demos; production runs the same filters in SQL. */
export function memoryInvoices(rows: readonly Invoice[]): InvoiceStore {
  // JSON of the pair, not `${tenant}/${id}`: "a/b"+"c" must not be "a"+"b/c".
  const key = (tenantId: string, id: string) => JSON.stringify([tenantId, id]);
  const byKey = new Map(rows.map((r) => [key(r.tenantId, r.id), r]));
  return {
    find: (tenantId, id) => byKey.get(key(tenantId, id)),
    listVisibleTo: (user) => [...byKey.values()]
      .filter((r) => can(user, 'read', r)),
    listTenant: (tenantId) => [...byKey.values()]
      .filter((r) => r.tenantId === tenantId),
    delete: (tenantId, id) => { byKey.delete(key(tenantId, id)); },
  };
}

if (import.meta.main) {
  const inv: Invoice = { id: 'inv_1001', tenantId: 'acme',
    ownerId: 'ann', sharedWith: ['bob'], amountCents: 12_500 };
  const users: Record<string, Principal> = {
    ann: { id: 'ann', tenantId: 'acme' },
    bob: { id: 'bob', tenantId: 'acme' },
    cy: { id: 'cy', tenantId: 'acme' },
    eve: { id: 'eve', tenantId: 'globex' }, // another customer
  };
  const tries: [string, InvoiceAction, Invoice | undefined, string][] = [
    ['ann', 'delete', inv, 'owner'],
    ['bob', 'read', inv, 'shared with bob'],
    ['bob', 'delete', inv, 'can see it, may not delete'],
    ['cy', 'read', inv, 'same tenant, not shared'],
    ['eve', 'read', inv, 'IDOR: another tenant guesses the id'],
    ['eve', 'read', undefined, 'an id that does not exist'],
  ];
  for (const [who, action, invoice, why] of tries) {
    let answer = 'allowed';
    try {
      authorize(users[who]!, action, invoice);
    } catch (err) {
      const { status, detail } = err as AppError;
      answer = `${status} ${detail}`;
    }
    console.log(`${`${who} ${action}`.padEnd(11)} -> ${answer.padEnd(27)}(${why})`);
  }
  console.log(`ann archive -> can() = ${can(users.ann, 'archive', inv)} (no rule)`);
}
