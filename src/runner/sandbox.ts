/**
 * The script of the runner's sandboxed iframe (sandbox-document.ts). The
 * page keeps one such iframe and sends it run requests; for each, this
 * starts the module in a fresh Worker and passes what the module prints
 * back up, tagged with the run's id, holding the run to its limits: past
 * the time limit or the output limit it terminates the worker, which stops
 * even an endless loop, and says which limit was reached. PGlite's
 * WebAssembly is compiled here once and handed to each worker that needs
 * it (a dedicated worker shares its owner's agent cluster, so a compiled
 * module can be posted to it), so only the first database run of a page
 * pays for compiling 9 MB.
 */
import { moduleUrl, OutputMeter, type RunEvent, type RunRequest, type WorkerStart, workerEvent } from '../lib/runnable/run-protocol.ts';

/**
 * The worker's script, as a data: URL: the compiled module, then a boot
 * that keeps PGlite's files, if sent, on the worker's global, loads the
 * module's scripts from the site with importScripts (the policy allows
 * them only from the runner's folder) and runs the module.
 *
 * A data: URL rather than a blob: a blob worker of an opaque origin is not
 * a secure context in Chromium, so it has no crypto.subtle or
 * crypto.randomUUID, while a data: worker is one (with an opaque origin of
 * its own). And the module travels in the worker's own URL, which the
 * policy already allows (worker-src data:), so neither the sandbox nor the
 * site needs 'unsafe-eval' or blob: for the reader's edited code to run.
 */
const workerUrl = (main: string, path: string) => 'data:text/javascript,' + encodeURIComponent(
  `self.__main=${main};\nonmessage=(e)=>{onmessage=null;self.runFiles=e.data.pglite;importScripts(...e.data.scripts);__run(self.__main,e.data.path)};`
  // Names the script in stack traces as the module's import.meta.url (worker-prelude.ts), not the whole data: URL.
  + `\n//# sourceURL=${moduleUrl(path)}`);

/** How long output is held before it goes up to the page. */
const FLUSH_MS = 50;

let pgliteModule: Promise<WebAssembly.Module> | undefined;

addEventListener('message', async (message: MessageEvent<RunRequest>) => {
  if (message.source !== parent || message.data?.type !== 'run') return;
  const { id, main, path, scripts, pglite, timeLimitMs } = message.data;
  const post = (event: RunEvent) => parent.postMessage({ ...event, id }, '*');
  const meter = new OutputMeter();
  // Output is held and sent up at most every FLUSH_MS: each message costs
  // the page a rewrite of its panel, and a worker can post a million tiny ones.
  const held = { stdout: '', stderr: '' };
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (held[stream]) post({ type: 'out', stream, text: held[stream] });
      held[stream] = '';
    }
  };
  const hold = (stream: 'stdout' | 'stderr', text: string) => {
    held[stream] += text;
    flushTimer ??= setTimeout(flush, FLUSH_MS);
  };
  let over = false;
  let worker: Worker | undefined;
  const end = (event: RunEvent) => {
    if (over) return;
    over = true;
    clearTimeout(timer);
    worker?.terminate();
    flush();
    post(event);
  };
  const timer = setTimeout(() => end({ type: 'stopped', reason: 'time' }), timeLimitMs);
  let start: WorkerStart = { scripts, path };
  if (pglite) {
    pgliteModule ??= WebAssembly.compile(pglite.pglite);
    try {
      start = { ...start, pglite: { pglite: await pgliteModule, data: pglite.data, cluster: pglite.cluster } };
    } catch (error) {
      hold('stderr', `PGlite did not compile: ${(error as Error).message}\n`);
      return end({ type: 'exit', code: 1 });
    }
  }
  if (over) return;
  worker = new Worker(workerUrl(main, path));
  worker.addEventListener('message', ({ data }: MessageEvent<unknown>) => {
    // Anything else the reader's code posts is not for us.
    const event = workerEvent(data);
    if (over || !event) return;
    if (event.type !== 'out') return end(event);
    const kept = meter.accept(event.text);
    if (kept) hold(event.stream, kept);
    if (meter.full) end({ type: 'stopped', reason: 'output' });
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    hold('stderr', `${event.message || 'The module failed to load'}\n`);
    end({ type: 'exit', code: 1 });
  });
  worker.postMessage(start, start.pglite ? [start.pglite.data, start.pglite.cluster] : []);
});
