// The code runner, loaded by site.ts on the first press of a Run button.
// It keeps a sandboxed iframe (src/lib/runnable/sandbox-document.ts) that
// runs each module in a fresh Worker: the module as the build compiled it, or the
// reader's edit compiled here the same way (compile-module.ts, loaded only
// for an edited run). It sends in PGlite's files when the module needs them
// (the sandbox may not fetch), and shows what the module prints under the
// build's output.
import { PGLITE_TIME_LIMIT_MS, type PgliteFiles, type RunEvent, type RunRequest, shownOutput, stopMessage, TIME_LIMIT_MS } from '../lib/runnable/run-protocol.ts';
import { sandboxDocument } from '../lib/runnable/sandbox-document.ts';

/** The runner's files: `<base>_run/`, beside the `_astro/` folder this script is served from. */
export const RUN_BASE = new URL(/* @vite-ignore */ '../_run/', import.meta.url).href;

let pglite: Promise<PgliteFiles> | undefined;
const fetched = (name: string) => fetch(RUN_BASE + name).then((r) => (r.ok ? r : Promise.reject(new Error(`${name}: HTTP ${r.status}`))));
const fetchBytes = (name: string) => fetched(name).then((r) => r.arrayBuffer());
// Kept as one download per page; each run gets copies, since sending them into the sandbox moves them.
const pgliteFiles = async (cluster: string): Promise<PgliteFiles> => {
  pglite ??= Promise.all(['pglite.wasm', 'pglite.data', cluster].map(fetchBytes)).then(([p, d, c]) => ({ pglite: p!, data: d!, cluster: c! }));
  const files = await pglite;
  return { pglite: files.pglite.slice(0), data: files.data.slice(0), cluster: files.cluster.slice(0) };
};

let sandbox: Promise<Window> | undefined;
let runs = 0;
/**
 * The page's sandboxed iframe (sandbox-document.ts), made on the first run
 * and kept: every run gets a fresh Worker in it, and PGlite is compiled
 * there once per page.
 */
function sandboxWindow(): Promise<Window> {
  sandbox ??= new Promise((resolve) => {
    const iframe = document.createElement('iframe');
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.title = 'Code runner';
    iframe.hidden = true;
    iframe.srcdoc = sandboxDocument(RUN_BASE);
    iframe.addEventListener('load', () => resolve(iframe.contentWindow!), { once: true });
    document.body.append(iframe);
  });
  return sandbox;
}

/** The panel under a demo's output where its runs show, made on the first run. */
function panelFor(button: HTMLButtonElement): { status: HTMLElement; output: HTMLElement } {
  const figure = button.closest('figure')!;
  let panel = figure.nextElementSibling;
  if (!panel?.classList.contains('run-result')) {
    panel = document.createElement('section');
    panel.className = 'run-result';
    panel.setAttribute('aria-label', 'Output of your run');
    panel.innerHTML = '<p class="run-status" role="status" aria-live="polite"></p><pre class="run-output" tabindex="0"><code></code></pre>';
    figure.after(panel);
  }
  return { status: panel.querySelector('.run-status')!, output: panel.querySelector('code')! };
}

/**
 * The module `button` runs, compiled: the build's, or `source` (the whole
 * module's TypeScript, as the reader edited it) compiled now. A syntax
 * error in `source` is a CompileError with its line and column.
 */
async function compiled(button: HTMLButtonElement, path: string, source?: string): Promise<string> {
  if (source === undefined) return fetched(button.dataset.run!).then((r) => r.text());
  const { compileModule } = await import('../lib/runnable/compile-module.ts');
  return compileModule(source, path);
}

/**
 * Runs the demo of `button`'s snippet in a sandbox and shows its output:
 * the module as built, or, given `source`, the reader's edit of it. False,
 * and nothing run, while a run of the same module is still going.
 */
export async function run(button: HTMLButtonElement, source?: string): Promise<boolean> {
  // aria-disabled rather than disabled: a disabled button drops keyboard focus.
  if (button.ariaDisabled === 'true') return false;
  button.ariaDisabled = 'true';
  const { status, output } = panelFor(button);
  output.textContent = '';
  status.textContent = 'Running…';
  const cluster = button.dataset.pglite;
  const usesPglite = cluster !== undefined;
  const timeLimitMs = usesPglite ? PGLITE_TIME_LIMIT_MS : TIME_LIMIT_MS;
  // The module's path, from the command the caption shows (`node snippets/…`).
  const path = button.closest('figcaption')!.querySelector('code')!.textContent!.replace(/^node /, '');
  try {
    let main: string;
    try {
      main = await compiled(button, path, source);
    } catch (error) {
      const { line, column } = error as { line?: number; column?: number };
      if (line === undefined) throw error;
      status.textContent = `Not run: line ${line}, column ${column}: ${(error as Error).message.replace(/^[^:]*:\d+:\d+: /, '')}.`;
      return true;
    }
    const [files, sandbox] = await Promise.all([usesPglite ? pgliteFiles(cluster) : undefined, sandboxWindow()]);
    const id = ++runs;
    const started = performance.now();
    let stderr = '';
    const end = await new Promise<Exclude<RunEvent, { type: 'out' }>>((resolve) => {
      const finish = (event: Exclude<RunEvent, { type: 'out' }>) => {
        removeEventListener('message', onMessage);
        clearTimeout(timer);
        resolve(event);
      };
      // Only the sandbox speaks: its window, and its opaque origin ("null"), so a
      // page that frames ours cannot slip messages in through a navigated frame.
      const onMessage = ({ source, origin, data }: MessageEvent<RunEvent & { id: number }>) => {
        if (source !== sandbox || origin !== 'null' || data.id !== id) return;
        if (data.type === 'out' && data.stream === 'stdout') output.textContent += data.text;
        else if (data.type === 'out') stderr += data.text;
        else finish(data); // An exit code, or a limit the sandbox enforced.
      };
      addEventListener('message', onMessage);
      // The sandbox stops the worker itself; this catches a sandbox that never answers.
      const timer = setTimeout(() => finish({ type: 'stopped', reason: 'time' }), timeLimitMs + 2_000);
      const transfer = files ? [files.pglite, files.data, files.cluster] : [];
      const scripts = button.dataset.scripts!.split(' ').map((name) => RUN_BASE + name);
      const request: RunRequest = { type: 'run', id, main, path, scripts, timeLimitMs, pglite: files };
      sandbox.postMessage(request, '*', transfer);
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    // As the build shows it (shownOutput); what went to stderr only when the run failed or was stopped.
    const failed = end.type === 'stopped' || end.code !== 0;
    const stdout = output.textContent!;
    output.textContent = shownOutput(failed && stdout ? `${stdout}\n${stderr}` : failed ? stderr : stdout);
    status.textContent = end.type === 'stopped' ? stopMessage(end.reason, timeLimitMs)
      : end.code === 0 ? `Ran in your browser in ${seconds === '0.0' ? 'under 0.1' : seconds} s${source === undefined ? '' : ': your edit'}.`
      : `Exited with code ${end.code}.`;
  } catch (error) {
    status.textContent = `Could not run it: ${(error as Error).message}`;
  } finally {
    button.ariaDisabled = null;
  }
  return true;
}
