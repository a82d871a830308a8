// Serves dist/ on loopback as a static host would: under the base path, with
// the headers of dist/_headers (the CSP among them) and the 404 page.
// Usage: node scripts/serve-dist.ts [--port 4391] [--base /handbook/]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { normalizeBase } from '../src/lib/site/links.ts';
import { serve } from '../src/lib/tooling/static-server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4321' }, base: { type: 'string', default: process.env.BASE_PATH ?? '/' } },
});
const base = normalizeBase(values.base);
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const site = await serve(dist, { base, port: Number(values.port), headers: true });
console.log(`serving dist/ at ${site.origin}${base}`);
