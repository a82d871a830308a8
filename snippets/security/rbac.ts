/**
 * Role-based access control: users hold roles, roles grant permissions,
 * and a role may inherit the permissions of others (hierarchical RBAC).
 * `definePolicy` checks the whole configuration when the process starts:
 * a malformed or undeclared permission, an unknown inherited role or a cycle
 * in the hierarchy is a `PolicyError`, so a bad deploy fails at boot, not
 * as a silent deny at 3 a.m. It then flattens the hierarchy once, so the
 * check on each request is a set lookup.
 * @see https://csrc.nist.gov/projects/role-based-access-control
 */

/** A policy configuration mistake; thrown at startup, never per request. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** `resource:action`, lower case: `invoices:read`, `reports:read`. */
const PERMISSION = /^[a-z][a-z0-9-]{0,39}:[a-z][a-z0-9-]{0,39}$/;
const ROLE = /^[a-z][a-z0-9-]{0,39}$/;

export interface RoleConfig {
  /** Permissions this role adds. */
  readonly grants?: readonly string[];
  /** Roles whose permissions this one also gets (its juniors). */
  readonly inherits?: readonly string[];
}

export interface PolicyConfig {
  /** Every permission a route may require; anything else is a typo. */
  readonly permissions: readonly string[];
  readonly roles: Readonly<Record<string, RoleConfig>>;
}

export interface Policy {
  /** `name` if it is a declared permission, else a PolicyError. */
  permission(name: string): string;
  /** True if any of `roles` grants `permission`; unknown roles grant none. */
  allows(roles: readonly string[], permission: string): boolean;
  /** A role's permissions, inherited ones included. */
  permissionsOf(role: string): ReadonlySet<string>;
}

// #region define
export function definePolicy(config: PolicyConfig): Policy {
  const declared = new Set<string>();
  for (const p of listOf(config.permissions, 'permissions')) {
    if (!PERMISSION.test(p)) fail(`"${p}" is not resource:action`);
    if (declared.has(p)) fail(`permission "${p}" is declared twice`);
    declared.add(p);
  }
  const roles = new Map(Object.entries(tableOf(config.roles)));
  for (const [name, role] of roles) {
    if (!ROLE.test(name)) fail(`"${name}" is not a valid role name`);
    checkRole(name, role); // `grant:` for `grants:` would grant nothing
    for (const p of listOf(role?.grants, `${name}.grants`)) {
      if (!declared.has(p)) fail(`role "${name}" grants unknown "${p}"`);
    }
    for (const junior of listOf(role?.inherits, `${name}.inherits`)) {
      if (!roles.has(junior)) {
        fail(`role "${name}" inherits unknown "${junior}"`);
      }
    }
  }
  const effective = new Map<string, Set<string>>();
  const resolve = (name: string, path: readonly string[]): Set<string> => {
    const done = effective.get(name);
    if (done) return done;
    if (path.includes(name)) { // we are already inside `name`: a loop
      const loop = [...path.slice(path.indexOf(name)), name];
      fail(`role hierarchy has a cycle: ${loop.join(' -> ')}`);
    }
    const role = roles.get(name);
    const all = new Set(role?.grants ?? []);
    for (const junior of role?.inherits ?? []) {
      for (const p of resolve(junior, [...path, name])) all.add(p);
    }
    effective.set(name, all);
    return all;
  };
  for (const name of roles.keys()) resolve(name, []);
  return policyOver(declared, effective);
}
// #endregion define

function fail(message: string): never {
  throw new PolicyError(`RBAC policy: ${message}`);
}

/** The role table: an object keyed by role name. */
function tableOf(value: unknown): Readonly<Record<string, RoleConfig>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('roles must be an object of role names');
  }
  return value as Record<string, RoleConfig>;
}

const ROLE_KEYS = new Set(['grants', 'inherits']);

/** A role is empty (YAML `viewer:` is null) or has only the known keys. */
function checkRole(name: string, role: unknown): void {
  if (role === null || role === undefined) return;
  if (typeof role !== 'object' || Array.isArray(role)) {
    fail(`role "${name}" must be an object with grants and inherits`);
  }
  for (const key of Object.keys(role)) {
    if (!ROLE_KEYS.has(key)) fail(`role "${name}" has unknown key "${key}"`);
  }
}

/** Config often comes from YAML: `grants: invoices:read` is a string. */
function listOf(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    fail(`${field} must be a list of strings`);
  }
  return value;
}

// #region allows
function policyOver(declared: ReadonlySet<string>,
  effective: ReadonlyMap<string, ReadonlySet<string>>): Policy {
  const permission = (name: string) => {
    if (!declared.has(name)) fail(`unknown permission "${name}"`);
    return name;
  };
  return {
    permission,
    allows(roles, wanted) {
      permission(wanted); // a typo in code is a bug, not a quiet "no"
      if (!Array.isArray(roles)) return false;
      // A Map, so a role called "constructor" or "__proto__" is unknown.
      return roles.some((role) => effective.get(role)?.has(wanted) === true);
    },
    permissionsOf: (role) => new Set(effective.get(role)),
  };
}
// #endregion allows

// #region policy
export const POLICY = definePolicy({
  permissions: ['invoices:read', 'invoices:delete', 'reports:read',
    'settings:read'],
  roles: {
    viewer: { grants: ['invoices:read'] },
    clerk: { inherits: ['viewer'], grants: ['invoices:delete'] },
    auditor: { inherits: ['viewer'], grants: ['reports:read'] },
    admin: { inherits: ['clerk', 'auditor'], grants: ['settings:read'] },
  },
});
// #endregion policy

if (import.meta.main) {
  const policy = POLICY;
  for (const role of ['viewer', 'clerk', 'auditor', 'admin']) {
    const all = [...policy.permissionsOf(role)].sort();
    console.log(`${role.padEnd(8)} ${all.join(', ')}`);
  }
  console.log(`[] may read? ${policy.allows([], 'invoices:read')}`);
  const broken: [string, PolicyConfig][] = [
    ['typo in a grant', { permissions: ['invoices:read'],
      roles: { viewer: { grants: ['invoices:raed'] } } }],
    ['a cycle', { permissions: [], roles: {
      clerk: { inherits: ['viewer'] }, viewer: { inherits: ['admin'] },
      admin: { inherits: ['clerk'] } } }],
  ];
  for (const [what, config] of broken) {
    try {
      definePolicy(config);
    } catch (err) {
      console.log(`${what}: ${(err as Error).message}`);
    }
  }
  try {
    policy.permission('invoices:update');
  } catch (err) {
    console.log(`route needs invoices:update: ${(err as Error).message}`);
  }
}
