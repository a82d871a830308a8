/**
 * Pagefind in Node, over a built site: loads the site's own
 * `pagefind/pagefind.js`, the file a browser would load, so tests and the
 * benchmark search exactly the index and engine readers get. Pagefind
 * fetches its index files; here they come from disk through `fetch` for a
 * made-up origin (no sockets, so nothing to time out between queries).
 * Pagefind runs on the main thread (Node has no Web Worker).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileForPath } from '../tooling/static-server.ts';
import type { Pagefind } from './search-pagefind.ts';

export interface LoadedIndex {
  pagefind: Pagefind;
  close(): Promise<void>;
}

interface PagefindModule {
  createInstance(options: {
    basePath: string;
    baseUrl: string;
  }): Pagefind & { init(): Promise<void>; destroy(): Promise<void> };
}

/** Site folders by the made-up origin their files are fetched from. */
const sites = new Map<string, string>();
let realFetch: typeof fetch | undefined;
let count = 0;

/** Answers fetches for a loaded site's origin from its folder; any other URL goes to the real fetch. */
async function siteFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const dir = sites.get(url.origin);
  if (!dir) return realFetch!(input, init);
  const file = fileForPath(dir, url.pathname);
  if (!file) return new Response('not found', { status: 404 });
  return new Response(await readFile(file), { headers: { 'content-type': 'application/octet-stream' } });
}

/**
 * Loads the index built into `dir` (a site's output folder holding
 * `pagefind/`), with `options` (such as ranking) applied. Result URLs start
 * with `baseUrl`. Call close() when done.
 */
export async function loadBuiltIndex(
  dir: string,
  options: Record<string, unknown> = {},
  baseUrl = '/',
): Promise<LoadedIndex> {
  const script = join(dir, 'pagefind', 'pagefind.js');
  if (!existsSync(script)) throw new Error(`${script} does not exist: build the site first (npm run build:test)`);
  const origin = `http://site-${++count}.pagefind.invalid`;
  sites.set(origin, dir);
  if (!realFetch) {
    realFetch = globalThis.fetch;
    globalThis.fetch = siteFetch as typeof fetch;
  }
  const close = async () => {
    sites.delete(origin);
    if (sites.size === 0 && realFetch) {
      globalThis.fetch = realFetch;
      realFetch = undefined;
    }
  };
  try {
    const module = (await import(pathToFileURL(script).href)) as PagefindModule;
    const pagefind = module.createInstance({ basePath: `${origin}/pagefind/`, baseUrl });
    await pagefind.init();
    await pagefind.options(options);
    // Pagefind fetches its WebAssembly in the background; wait until it can search.
    await pagefind.search(null);
    return { pagefind, close: async () => (await pagefind.destroy(), await close()) };
  } catch (error) {
    await close();
    throw error;
  }
}
