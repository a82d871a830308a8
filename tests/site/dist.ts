import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder } from '../../src/lib/tooling/files.ts';
import { fileForPath } from '../../src/lib/tooling/static-server.ts';
import { TEST_BASE } from '../site-under-test.ts';

export const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/** Every built HTML page, as its path inside dist/ and its text. */
export function builtPages(): { file: string; html: string }[] {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dist/ has no build; run "npm run build:test" first');
  }
  return filesUnder(DIST)
    .filter((path) => path.endsWith('.html'))
    .map((path) => ({ file: relative(DIST, path), html: readFileSync(path, 'utf8') }));
}

/**
 * Every URL a page refers to: href and src attributes, srcset candidates, a
 * meta refresh target, and URL-valued meta content (og:image, og:url). The
 * HTML is ours, so patterns are enough.
 */
export function urlsIn(html: string): string[] {
  const attrs = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
  const srcsets = [...html.matchAll(/\ssrcset="([^"]*)"/g)].flatMap((m) => m[1]!.split(',').map((c) => c.trim().split(/\s+/)[0]!));
  const refresh = [...html.matchAll(/http-equiv="refresh" content="\d+;\s*url=([^"]*)"/g)].map((m) => m[1]!);
  const meta = [...html.matchAll(/<meta (?:property|name)="(?:og|twitter):(?:image|url)" content="([^"]*)"/g)].map((m) => m[1]!);
  return [...attrs, ...srcsets, ...refresh, ...meta].filter(Boolean).map((u) => u.replaceAll('&amp;', '&'));
}

export function idsIn(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
}

/** The dist/ file a site path is served from (as the test server maps it), or undefined if there is none. */
export function fileFor(pathname: string): string | undefined {
  return fileForPath(DIST, pathname);
}

/**
 * Internal links on one page that do not resolve in dist/: relative, root
 * and absolute self-links (`siteOrigin`) must stay under the base, have a
 * file, and name an id that exists on the target page.
 */
// Ids per page, read once: each part of the book (1–2.3 MB) has hundreds of #links.
const idCache = new Map<string, Set<string>>();
function idsOf(key: string, html: () => string): Set<string> {
  let ids = idCache.get(key);
  if (!ids) idCache.set(key, (ids = idsIn(html())));
  return ids;
}

export function brokenLinks(page: { file: string; html: string }, siteOrigin: string): string[] {
  const pageUrl = new URL(page.file.replace(/index\.html$/, ''), `${siteOrigin}${TEST_BASE}`);
  const broken: string[] = [];
  for (const raw of urlsIn(page.html)) {
    const url = new URL(raw, pageUrl);
    if (url.origin !== siteOrigin) continue;
    if (!url.pathname.startsWith(TEST_BASE)) {
      broken.push(`${page.file}: ${raw} is outside the base ${TEST_BASE}`);
      continue;
    }
    const samePage = url.pathname === pageUrl.pathname;
    const target = samePage ? undefined : fileFor(url.pathname.slice(TEST_BASE.length - 1));
    const ids = samePage ? idsOf(page.file, () => page.html) : target?.endsWith('.html') ? idsOf(target, () => readFileSync(target, 'utf8')) : undefined;
    if (!samePage && !target) broken.push(`${page.file}: ${raw} has no file in dist/`);
    else if (url.hash && ids !== undefined && !ids.has(decodeURIComponent(url.hash.slice(1)))) {
      broken.push(`${page.file}: ${raw} points at a missing id`);
    }
  }
  return broken;
}
