import { describe, expect, it } from 'vitest';
import {
  definePolicy, PolicyError, type PolicyConfig, type RoleConfig,
} from './rbac.ts';

const CONFIG: PolicyConfig = {
  permissions: ['invoices:read', 'invoices:delete', 'reports:read', 'settings:read'],
  roles: {
    viewer: { grants: ['invoices:read'] },
    clerk: { inherits: ['viewer'], grants: ['invoices:delete'] },
    auditor: { inherits: ['viewer'], grants: ['reports:read'] },
    admin: { inherits: ['clerk', 'auditor'], grants: ['settings:read'] },
  },
};

/** The PolicyError message `config` produces, or fails the test. */
function rejection(config: unknown): string {
  try {
    definePolicy(config as PolicyConfig);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected a PolicyError');
}

describe('role hierarchy', () => {
  const policy = definePolicy(CONFIG);

  it('gives a role its own grants plus everything its juniors have, transitively', () => {
    expect([...policy.permissionsOf('viewer')].sort()).toEqual(['invoices:read']);
    expect([...policy.permissionsOf('clerk')].sort())
      .toEqual(['invoices:delete', 'invoices:read']);
    expect([...policy.permissionsOf('admin')].sort()).toEqual([
      'invoices:delete', 'invoices:read', 'reports:read', 'settings:read']);
  });

  it('accepts a diamond (admin reaches viewer twice): shared juniors are not a cycle', () => {
    expect(policy.allows(['admin'], 'invoices:read')).toBe(true);
  });

  it('never passes permissions downwards', () => {
    expect(policy.allows(['viewer'], 'invoices:delete')).toBe(false);
    expect(policy.allows(['clerk'], 'reports:read')).toBe(false);
    expect(policy.allows(['auditor'], 'settings:read')).toBe(false);
  });

  it('grants the union when a user holds several roles', () => {
    expect(policy.allows(['clerk', 'auditor'], 'reports:read')).toBe(true);
    expect(policy.allows(['clerk', 'auditor'], 'invoices:delete')).toBe(true);
    expect(policy.allows(['clerk', 'auditor'], 'settings:read')).toBe(false);
  });

  it('hands out copies: changing a returned set changes nothing', () => {
    (policy.permissionsOf('viewer') as Set<string>).add('settings:read');
    expect(policy.allows(['viewer'], 'settings:read')).toBe(false);
  });
});

describe('deny by default', () => {
  const policy = definePolicy(CONFIG);

  it('denies a user with no roles', () => {
    expect(policy.allows([], 'invoices:read')).toBe(false);
  });

  it('denies unknown roles, such as one removed from the config but still in a token', () => {
    expect(policy.allows(['superuser'], 'invoices:read')).toBe(false);
    expect(policy.allows(['Admin', 'admin '], 'settings:read')).toBe(false);
    expect(policy.permissionsOf('superuser').size).toBe(0);
  });

  it('denies role names that live on every object\'s prototype', () => {
    for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(policy.allows([role], 'invoices:read')).toBe(false);
    }
  });

  it('denies when roles is not a list (a claim that arrived as a string)', () => {
    expect(policy.allows('admin' as unknown as string[], 'settings:read')).toBe(false);
  });

  it('throws on a permission nobody declared: a typo is a bug, not a "no"', () => {
    expect(() => policy.allows(['admin'], 'invoices:raed')).toThrow(PolicyError);
    expect(() => policy.permission('settings:write')).toThrow(/unknown permission "settings:write"/);
    expect(policy.permission('reports:read')).toBe('reports:read');
  });
});

describe('configuration errors fail at startup', () => {
  it('refuses a two-role cycle and names it', () => {
    expect(rejection({ permissions: [], roles: {
      a: { inherits: ['b'] }, b: { inherits: ['a'] } } }))
      .toBe('RBAC policy: role hierarchy has a cycle: a -> b -> a');
  });

  it('refuses a role that inherits itself', () => {
    expect(rejection({ permissions: [], roles: { admin: { inherits: ['admin'] } } }))
      .toMatch(/cycle: admin -> admin$/);
  });

  it('refuses a long cycle reached from outside it, naming only the loop', () => {
    expect(rejection({ permissions: [], roles: {
      root: { inherits: ['clerk'] },
      clerk: { inherits: ['viewer'] },
      viewer: { inherits: ['admin'] },
      admin: { inherits: ['clerk'] },
    } })).toMatch(/cycle: clerk -> viewer -> admin -> clerk$/);
  });

  it('refuses a grant of a permission that was not declared', () => {
    expect(rejection({ permissions: ['invoices:read'],
      roles: { viewer: { grants: ['invoices:raed'] } } }))
      .toMatch(/role "viewer" grants unknown "invoices:raed"/);
  });

  it('refuses inheriting a role that does not exist', () => {
    expect(rejection({ permissions: [], roles: { admin: { inherits: ['root'] } } }))
      .toMatch(/role "admin" inherits unknown "root"/);
  });

  it.each(['invoices', 'Invoices:Read', 'invoices:read:all', 'invoices:*', ':read',
    'invoices :read', '', 'a'.repeat(41) + ':read'])('refuses the permission name %j', (name) => {
    expect(rejection({ permissions: [name], roles: {} })).toMatch(/is not resource:action/);
  });

  it('refuses a permission declared twice', () => {
    expect(rejection({ permissions: ['invoices:read', 'invoices:read'], roles: {} }))
      .toMatch(/declared twice/);
  });

  it('refuses bad role names, including a "__proto__" key from JSON', () => {
    expect(rejection({ permissions: [], roles: { 'Admin': {} } })).toMatch(/not a valid role/);
    const fromJson = JSON.parse('{"permissions": [], "roles": {"__proto__": {}}}');
    expect(rejection(fromJson)).toMatch(/"__proto__" is not a valid role/);
  });

  it('refuses lists written as strings, as YAML makes easy', () => {
    expect(rejection({ permissions: ['invoices:read'],
      roles: { viewer: { grants: 'invoices:read' } } }))
      .toMatch(/viewer.grants must be a list of strings/);
    expect(rejection({ permissions: 'invoices:read', roles: {} }))
      .toMatch(/permissions must be a list/);
    expect(rejection({ permissions: [], roles: { a: { inherits: [1] } } }))
      .toMatch(/a.inherits must be a list/);
  });

  it('refuses a misspelled key in a role, which would otherwise grant nothing', () => {
    expect(rejection({ permissions: ['invoices:read'],
      roles: { viewer: { grant: ['invoices:read'] } } }))
      .toMatch(/role "viewer" has unknown key "grant"/);
  });

  it('refuses a role that is not an object, and a missing role table', () => {
    expect(rejection({ permissions: ['invoices:read'],
      roles: { viewer: 'invoices:read' } })).toMatch(/role "viewer" must be an object/);
    expect(rejection({ permissions: [], roles: { viewer: ['a'] } }))
      .toMatch(/role "viewer" must be an object/);
    expect(rejection({ permissions: [] })).toMatch(/roles must be an object/);
  });

  it('accepts a role with nothing under it (YAML `viewer:` is null)', () => {
    const policy = definePolicy({ permissions: ['x:y'],
      roles: { viewer: null as unknown as RoleConfig } });
    expect(policy.permissionsOf('viewer').size).toBe(0);
  });

  it('resolves a shared junior once, not once per path to it', () => {
    // A ladder of diamonds: each level's two roles both inherit the level
    // below, so role 0 is reached by 2^levels paths. Count config reads.
    let reads = 0;
    const roles: Record<string, RoleConfig> = {};
    const role = (inherits: string[]): RoleConfig => ({
      get grants() { reads += 1; return []; }, inherits });
    const levels = 16;
    roles['r0'] = role([]);
    for (let i = 1; i <= levels; i += 1) {
      const below = i === 1 ? ['r0'] : [`a${i - 1}`, `b${i - 1}`];
      roles[`a${i}`] = role(below);
      roles[`b${i}`] = role(below);
    }
    definePolicy({ permissions: [], roles });
    // Twice per role (validate, resolve); without the cache, 2^16 or more.
    expect(reads).toBe(2 * Object.keys(roles).length);
  });

  it('accepts an empty policy, which allows nothing', () => {
    const empty = definePolicy({ permissions: ['x:y'], roles: {} });
    expect(empty.allows(['admin'], 'x:y')).toBe(false);
  });
});
