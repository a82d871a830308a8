/**
 * Serves a built site from disk on loopback, the same way for ours and the
 * peer, so browser timings compare sites and not servers. No compression:
 * Pagefind's index files are compressed already.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.wasm': 'application/wasm', '.xml': 'application/xml', '.txt': 'text/plain', '.woff2': 'font/woff2',
};

export interface Served {
  origin: string;
  close: () => Promise<void>;
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

export function serve(dir: string): Promise<Served> {
  const server = createServer((request, response) => {
    const file = fileForPath(dir, new URL(request.url ?? '/', 'http://x').pathname);
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(file);
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    response.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
