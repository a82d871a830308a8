import { createHash } from 'node:crypto';

/**
 * The site's Content-Security-Policy and the other security headers. Static
 * hosts that read `_headers` (Netlify, Cloudflare Pages) send them all; every
 * page also carries the policy in a <meta> for hosts that cannot set headers
 * (GitHub Pages). A meta policy cannot hold frame-ancestors (browsers ignore
 * it there, with a console error), so only the header version has it.
 */

/** A CSP source for inline code: `'sha256-…'` of its exact text. */
export function sha256Source(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

export interface PolicyOptions {
  /** Inline scripts allowed by hash: their exact text. */
  inlineScripts: readonly string[];
  /** The meta version leaves out what only a header can carry. */
  delivery: 'header' | 'meta';
}

/**
 * - script-src: our own files and the hashed theme script; no 'unsafe-inline'.
 *   'wasm-unsafe-eval' lets Pagefind compile its WebAssembly, and nothing else.
 * - style-src keeps 'unsafe-inline': diagrams size themselves with a style
 *   attribute and Astro inlines small component stylesheets. Styles cannot
 *   run code. (Code colours are classes: src/lib/markdown/code-tokens.ts.)
 * - worker-src data: the code runner's sandbox (src/lib/runnable/
 *   sandbox-document.ts) inherits this policy and starts its Worker from a
 *   data: URL (src/runner/sandbox.ts says why). A data: worker has an opaque
 *   origin of its own, so even one started here could not read this site's
 *   storage; it needs script already running here to start it.
 * - connect-src 'self': Pagefind fetches its index from this site.
 */
export function contentSecurityPolicy({ inlineScripts, delivery }: PolicyOptions): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'", ...inlineScripts.map(sha256Source), "'wasm-unsafe-eval'"],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'"],
    ['font-src', "'self'"],
    ['worker-src', 'data:'],
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
  ];
  if (delivery === 'header') directives.push(['frame-ancestors', "'none'"]);
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Sent with every response besides the CSP. */
export const SECURITY_HEADERS: readonly [string, string][] = [
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
  // frame-ancestors replaces X-Frame-Options; older browsers still read it.
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

/** The `_headers` file: security headers on every path, long caching for hashed assets. */
export function headersFile(policy: string): string {
  const lines = ['# Written by the build (src/lib/site/csp.ts). Netlify and Cloudflare Pages read it.', '/*'];
  for (const [name, value] of [['Content-Security-Policy', policy] as const, ...SECURITY_HEADERS]) lines.push(`  ${name}: ${value}`);
  lines.push('/_astro/*', '  Cache-Control: public, max-age=31536000, immutable', '');
  return lines.join('\n');
}
