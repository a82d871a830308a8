/**
 * The document of the runner's sandboxed iframe (its `srcdoc`). The iframe
 * has `sandbox="allow-scripts"` and no `allow-same-origin`, so its origin is
 * opaque: it cannot read the site's storage, cookies or pages. A srcdoc
 * document inherits the site's CSP; this policy narrows it further:
 * - script-src: only the runner's files under `<base>_run/` (the sandbox
 *   script, the prelude, vendor and deps scripts) and WebAssembly
 *   compilation (PGlite);
 * - worker-src data: the module runs in a Worker started from a data: URL
 *   (sandbox.ts says why not a blob), which loads those scripts;
 * - connect-src 'none' and default-src 'none': no fetch, XHR or socket;
 *   the page fetches PGlite's files and posts them in.
 *
 * The code that runs, the built module or the reader's edit (compiled in
 * the page by compile-module.ts), travels inside the worker's own data:
 * URL, which worker-src already allows. So running edited code needs
 * neither 'unsafe-eval' nor blob: in script-src, here or in the site's
 * policy (which this one inherits, so anything this one allowed the site's
 * would have to allow too): the reader's code can start no code that is not
 * in that URL or in the runner's folder, and the site's policy is unchanged.
 */

/** The policy for a site whose runner files are served from `runBase` (an absolute URL ending in `/`). */
export function sandboxPolicy(runBase: string): string {
  return [
    "default-src 'none'",
    `script-src ${runBase} 'wasm-unsafe-eval'`,
    'worker-src data:',
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The iframe's whole document: the policy, then the sandbox script. */
export function sandboxDocument(runBase: string): string {
  if (!/^https?:\/\/[^'"\s<>;]+\/$/.test(runBase)) throw new Error(`sandboxDocument needs an http(s) URL ending in "/"; found ${JSON.stringify(runBase)}`);
  return `<!doctype html><meta http-equiv="Content-Security-Policy" content="${sandboxPolicy(runBase)}"><script src="${runBase}sandbox.js"></script>`;
}
