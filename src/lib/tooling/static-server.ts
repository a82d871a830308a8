/**
 * Serves a built site from disk on loopback, as a static host would: under a
 * base path, with the headers its `_headers` file asks for, and its 404 page
 * for a missing path. The e2e tests run against it (so the CSP they check is
 * the one a host sends), and the benchmark serves our site and its peer with
 * it, so timings compare sites and not servers. No compression unless asked:
 * Lighthouse asks, as a host would gzip text.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.wasm': 'application/wasm', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2', '.pf_meta': 'application/octet-stream', '.epub': 'application/epub+zip',
};

/** One block of a `_headers` file: a path pattern (`*` matches anything) and its headers. */
export interface HeaderRule {
  pattern: string;
  headers: [name: string, value: string][];
}

/**
 * Reads the `_headers` format Netlify and Cloudflare Pages share: a path
 * pattern on its own line, then indented `Name: value` lines; `#` comments.
 */
export function parseHeadersFile(text: string, file = '_headers'): HeaderRule[] {
  const rules: HeaderRule[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: [] });
      return;
    }
    const match = /^\s+([A-Za-z0-9-]+):\s*(.+)$/.exec(line);
    const rule = rules.at(-1);
    if (!match || !rule) throw new Error(`${file}:${i + 1}: expected an indented "Name: value" under a path; found ${JSON.stringify(line)}`);
    rule.headers.push([match[1]!, match[2]!.trim()]);
  });
  return rules;
}

/** The headers every matching rule gives a path, in file order. */
export function headersFor(rules: readonly HeaderRule[], pathname: string): [string, string][] {
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(pathname);
  return rules.filter((r) => matches(r.pattern)).flatMap((r) => r.headers);
}

/** The file a request path maps to inside `dir`, or undefined. */
export function fileForPath(dir: string, pathname: string): string | undefined {
  const safe = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  const candidate = join(dir, safe);
  if (candidate !== dir && !candidate.startsWith(dir + sep)) return undefined;
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  const index = join(candidate, 'index.html');
  return existsSync(index) ? index : undefined;
}

export interface ServeOptions {
  /** The sub-path the site is built for, like `/handbook/`; default `/`. */
  base?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Send the headers of `dir/_headers`, as Netlify or Cloudflare Pages would. */
  headers?: boolean;
  /** Gzip text (HTML, CSS, JS, JSON, SVG, XML) for a client that accepts it, as static hosts do. */
  compress?: boolean;
}

/** Whether a response of this content type is worth gzipping: text, not images, fonts or Pagefind's own packed files. */
export const compressible = (contentType: string) => /^(text\/|application\/(json|xml)|image\/svg)/.test(contentType);

export interface Served {
  origin: string;
  close: () => Promise<void>;
}

export function serve(dir: string, { base = '/', port = 0, headers = false, compress = false }: ServeOptions = {}): Promise<Served> {
  const rulesFile = join(dir, '_headers');
  const rules = headers && existsSync(rulesFile) ? parseHeadersFile(readFileSync(rulesFile, 'utf8'), rulesFile) : [];
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    const inside = pathname.startsWith(base) ? pathname.slice(base.length - 1) : undefined;
    const file = inside === undefined ? undefined : fileForPath(dir, inside);
    const notFound = join(dir, '404.html');
    const served = file ?? (existsSync(notFound) ? notFound : undefined);
    for (const [name, value] of headersFor(rules, inside ?? pathname)) response.setHeader(name, value);
    if (!served) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(served)] ?? 'application/octet-stream';
    const gzip = compress && compressible(type) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? gzipSync(readFileSync(served)) : readFileSync(served);
    if (gzip) response.setHeader('content-encoding', 'gzip');
    if (compress) response.setHeader('vary', 'Accept-Encoding');
    response.writeHead(file ? 200 : 404, { 'content-type': type, 'content-length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${bound}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
