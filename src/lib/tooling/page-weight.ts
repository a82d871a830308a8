import { brotliCompressSync, gzipSync } from 'node:zlib';
import { staticImports } from '../demos/import-specifiers.ts';

/** Bytes of one resource, as served raw and compressed. */
export interface Weight {
  raw: number;
  gzip: number;
  brotli: number;
}

export const NO_WEIGHT: Weight = { raw: 0, gzip: 0, brotli: 0 };

export function weigh(content: string | Uint8Array): Weight {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
}

export function addWeights(weights: Weight[]): Weight {
  return weights.reduce(
    (a, w) => ({ raw: a.raw + w.raw, gzip: a.gzip + w.gzip, brotli: a.brotli + w.brotli }),
    NO_WEIGHT,
  );
}

/**
 * What a page costs before the reader interacts with it.
 * - `html`: the document.
 * - `css`: linked stylesheets.
 * - `js`: scripts that run on load: external module scripts with the
 *   modules they import statically, modulepreloads, and inline scripts.
 *   Inline bytes are also part of `html`. Dynamic `import()` is not followed,
 *   because it loads on use. JSON data blocks are not JavaScript.
 * - `other`: icons and images the page references.
 * - `total`: what crosses the network, counting inline code once.
 */
export interface PageWeight {
  html: Weight;
  css: Weight;
  js: Weight;
  other: Weight;
  total: Weight;
  /** Every external resource counted, as absolute pathnames. */
  resources: string[];
}

/** Reads a resource by its absolute pathname; throws if there is none. */
export type LoadResource = (pathname: string) => Uint8Array;

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const tags = (html: string, name: string) => [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => m[0]);

export function pageWeight(html: string, pageUrl: string, load: LoadResource): PageWeight {
  const seen = new Set<string>();
  const fetchOnce = (ref: string, base: string): { path: string; bytes: Uint8Array } | undefined => {
    const url = new URL(ref, base);
    if (url.origin !== new URL(pageUrl).origin) return undefined;
    if (seen.has(url.pathname)) return undefined;
    seen.add(url.pathname);
    return { path: url.pathname, bytes: load(url.pathname) };
  };

  const links = tags(html, 'link');
  const hrefsWhere = (rel: RegExp) =>
    links.filter((t) => rel.test(attr(t, 'rel') ?? '')).map((t) => attr(t, 'href')).filter((h) => h !== undefined);

  const css = hrefsWhere(/^stylesheet$/).flatMap((href) => {
    const got = fetchOnce(href, pageUrl);
    return got ? [weigh(got.bytes)] : [];
  });

  const jsFiles: Weight[] = [];
  const loadModule = (ref: string, base: string) => {
    const got = fetchOnce(ref, base);
    if (!got) return;
    jsFiles.push(weigh(got.bytes));
    const moduleUrl = new URL(got.path, pageUrl).href;
    for (const dep of staticImports(Buffer.from(got.bytes).toString('utf8'))) loadModule(dep, moduleUrl);
  };
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  const inlineJs: Weight[] = [];
  for (const [, attrs = '', body = ''] of scripts) {
    const type = attr(attrs, 'type');
    if (type !== undefined && type !== 'module' && type !== 'text/javascript') continue;
    const src = attr(attrs, 'src');
    if (src !== undefined) loadModule(src, pageUrl);
    else if (body.trim()) inlineJs.push(weigh(body));
  }
  for (const href of hrefsWhere(/^modulepreload$/)) loadModule(href, pageUrl);

  const other = [...hrefsWhere(/\bicon\b/), ...tags(html, 'img').map((t) => attr(t, 'src')).filter((s) => s !== undefined)]
    .flatMap((ref) => {
      const got = fetchOnce(ref, pageUrl);
      return got ? [weigh(got.bytes)] : [];
    });

  const page = weigh(html);
  const cssWeight = addWeights(css);
  const externalJs = addWeights(jsFiles);
  const otherWeight = addWeights(other);
  return {
    html: page,
    css: cssWeight,
    js: addWeights([externalJs, ...inlineJs]),
    other: otherWeight,
    total: addWeights([page, cssWeight, externalJs, otherWeight]),
    resources: [...seen],
  };
}
