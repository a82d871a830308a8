// Checks every outgoing link in the built site and reports the dead ones with
// the pages that link them. Not part of npm test: it needs the network, and
// when there is none it says so and exits 0.
// Usage: npm run build:test && npm run links:external   (exit 1 when a link is dead)
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkLink, externalLinks, formatReport, isOnline, mapLimit } from '../src/lib/tooling/external-links.ts';
import { filesUnder } from '../src/lib/tooling/files.ts';

const DIST = 'dist';
const CONCURRENCY = 6;
const TIMEOUT_MS = 10_000;
/** Probed before anything else: most references are RFCs, so this host matters anyway. */
const PROBE = { host: 'www.rfc-editor.org', port: 443 };

if (!existsSync(join(DIST, 'index.html'))) {
  console.error('links:external: dist/ has no build; run "npm run build" or "npm run build:test" first');
  process.exit(1);
}
const pages = filesUnder(DIST).filter((path) => path.endsWith('.html')).map((path) => ({ file: relative(DIST, path), html: readFileSync(path, 'utf8') }));
const home = readFileSync(join(DIST, 'index.html'), 'utf8');
const ownOrigin = new URL(/<link rel="canonical" href="([^"]+)"/.exec(home)?.[1] ?? 'http://localhost/').origin;
const links = externalLinks(pages, ownOrigin);

if (!(await isOnline(PROBE.host, PROBE.port, 5_000))) {
  console.log(`links:external: skipped ${links.size} external links: offline (no DNS answer or connection for ${PROBE.host}:${PROBE.port})`);
  process.exit(0);
}
console.log(`links:external: checking ${links.size} external links from ${pages.length} pages, ${CONCURRENCY} at a time`);
const results = await mapLimit([...links.keys()], CONCURRENCY, (url) => checkLink(url, TIMEOUT_MS));
console.log(formatReport(results, links));
process.exit(results.some((r) => r.verdict === 'dead') ? 1 : 0);
