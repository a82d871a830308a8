import { describe, expect, it } from 'vitest';
import { AppError } from '../http/error-catalog.ts';
import {
  authorize, can, memoryInvoices, type Invoice, type InvoiceAction,
  type Principal,
} from './authorization.ts';

const INV: Invoice = { id: 'inv_1001', tenantId: 'acme', ownerId: 'ann',
  sharedWith: ['bob'], amountCents: 12_500 };
const ann: Principal = { id: 'ann', tenantId: 'acme' };
const bob: Principal = { id: 'bob', tenantId: 'acme' };
const cy: Principal = { id: 'cy', tenantId: 'acme' };
// Eve's tenant has a user called "ann" too: ids are unique per tenant only.
const eve: Principal = { id: 'eve', tenantId: 'globex' };
const otherAnn: Principal = { id: 'ann', tenantId: 'globex' };

const ACTIONS: InvoiceAction[] = ['read', 'update', 'delete'];

/** The AppError `fn` throws, or fails the test. */
function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal, got access');
}

describe('can: ownership rules', () => {
  it.each(ACTIONS)('lets the owner %s', (action) => {
    expect(can(ann, action, INV)).toBe(true);
  });

  it('lets a user the invoice was shared with read it, and nothing more', () => {
    expect(can(bob, 'read', INV)).toBe(true);
    expect(can(bob, 'update', INV)).toBe(false);
    expect(can(bob, 'delete', INV)).toBe(false);
  });

  it.each(ACTIONS)('refuses a same-tenant user it was not shared with: %s', (action) => {
    expect(can(cy, action, INV)).toBe(false);
  });
});

describe('can: deny by default', () => {
  it.each(ACTIONS)('refuses another tenant, even a user with the owner\'s id: %s', (action) => {
    expect(can(eve, action, INV)).toBe(false);
    expect(can(otherAnn, action, INV)).toBe(false);
  });

  it('refuses an action no rule names, even to the owner', () => {
    for (const action of ['archive', 'READ', 'read ', '', '*']) {
      expect(can(ann, action, INV)).toBe(false);
    }
  });

  it('refuses names that live on every object\'s prototype', () => {
    for (const action of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(can(ann, action, INV)).toBe(false);
    }
  });

  it('refuses when there is no user or no invoice', () => {
    expect(can(undefined, 'read', INV)).toBe(false);
    expect(can(ann, 'read', undefined)).toBe(false);
  });

  it('refuses an empty user id or tenant, even against a row with empty fields', () => {
    const blank: Invoice = { ...INV, tenantId: '', ownerId: '' };
    expect(can({ id: '', tenantId: '' }, 'read', blank)).toBe(false);
    expect(can({ id: '', tenantId: 'acme' }, 'read', { ...INV, ownerId: '' })).toBe(false);
    expect(can({ id: 'ann', tenantId: '' }, 'read', { ...INV, tenantId: '' })).toBe(false);
  });
});

describe('authorize: 404 hides, 403 refuses', () => {
  it('returns the invoice when allowed', () => {
    expect(authorize(ann, 'delete', INV)).toBe(INV);
    expect(authorize(bob, 'read', INV)).toBe(INV);
  });

  it('answers 403 to someone who can see it but may not do this', () => {
    const err = refusal(() => authorize(bob, 'delete', INV));
    expect(err.code).toBe('forbidden');
    expect(err.status).toBe(403);
  });

  it('answers an IDOR attempt exactly as it answers a missing id', () => {
    const guessed = refusal(() => authorize(eve, 'read', INV));
    const missing = refusal(() => authorize(eve, 'read', undefined));
    expect(guessed.status).toBe(404);
    expect({ ...guessed, message: guessed.message })
      .toEqual({ ...missing, message: missing.message });
  });

  it('answers 404, not 403, to a same-tenant stranger who tries to delete', () => {
    // A 403 here would confirm that inv_1001 exists.
    expect(refusal(() => authorize(cy, 'delete', INV)).status).toBe(404);
  });

  it('never names the id, the owner or the tenant in what the client sees', () => {
    for (const [user, action] of [[eve, 'read'], [cy, 'delete'], [bob, 'delete']] as const) {
      const text = JSON.stringify({ detail: refusal(() => authorize(user, action, INV)).detail });
      for (const secret of ['inv_1001', 'ann', 'acme', '12500']) {
        expect(text).not.toContain(secret);
      }
    }
  });
});

describe('memoryInvoices: every query names the tenant', () => {
  const store = memoryInvoices([
    INV,
    { id: 'inv_1002', tenantId: 'acme', ownerId: 'cy', sharedWith: [], amountCents: 900 },
    { id: 'inv_1001', tenantId: 'globex', ownerId: 'eve', sharedWith: [], amountCents: 7 },
  ]);

  it('finds an id only within the tenant asked for', () => {
    expect(store.find('acme', 'inv_1001')?.ownerId).toBe('ann');
    expect(store.find('globex', 'inv_1001')?.ownerId).toBe('eve');
    expect(store.find('globex', 'inv_1002')).toBeUndefined();
  });

  it('lists only what the user may read', () => {
    expect(store.listVisibleTo(bob).map((i) => i.id)).toEqual(['inv_1001']);
    expect(store.listVisibleTo(cy).map((i) => i.id)).toEqual(['inv_1002']);
    expect(store.listVisibleTo(eve).map((i) => `${i.tenantId}/${i.id}`))
      .toEqual(['globex/inv_1001']);
    expect(store.listVisibleTo(otherAnn)).toEqual([]);
  });

  it('lists a whole tenant for reports, and only that tenant', () => {
    expect(store.listTenant('acme').map((i) => i.id).sort()).toEqual(['inv_1001', 'inv_1002']);
    expect(store.listTenant('globex').map((i) => i.ownerId)).toEqual(['eve']);
    expect(store.listTenant('initech')).toEqual([]);
  });

  it('deletes only in the tenant named', () => {
    const s = memoryInvoices([INV]);
    s.delete('globex', 'inv_1001');
    expect(s.find('acme', 'inv_1001')).toBe(INV);
    s.delete('acme', 'inv_1001');
    expect(s.find('acme', 'inv_1001')).toBeUndefined();
  });

  it('is not fooled by a key that splices tenant and id', () => {
    const s = memoryInvoices([{ ...INV, tenantId: 'a', id: 'b/c' }]);
    expect(s.find('a/b', 'c')).toBeUndefined();
  });
});
