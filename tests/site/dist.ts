import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/** Every built HTML page, as its path inside dist/ and its text. */
export function builtPages(): { file: string; html: string }[] {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dist/ has no build; run "npm run build:test" first');
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : [],
    );
  return walk(DIST).map((path) => ({ file: relative(DIST, path), html: readFileSync(path, 'utf8') }));
}

/** Values of href and src attributes (the HTML is ours, so a pattern is enough). */
export function urlsIn(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

export function idsIn(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
}

/** The dist/ file a site path is served from, or undefined if there is none. */
export function fileFor(pathname: string): string | undefined {
  const decoded = decodeURIComponent(pathname);
  const candidates = decoded.endsWith('/') ? [`${decoded}index.html`] : [decoded, `${decoded}/index.html`];
  return candidates.map((c) => join(DIST, c)).find((c) => existsSync(c));
}
