/**
 * The script of the runner's sandboxed iframe (sandbox-document.ts). It
 * takes one run request from the page, starts the module in a Worker, and
 * passes what the module prints back up, holding the run to its limits:
 * past the time limit or the output limit it terminates the worker, which
 * stops even an endless loop, and says which limit was reached. The page
 * removes the iframe when the run is over.
 */
import { OutputMeter, type RunEvent, type RunRequest } from '../lib/runnable/run-protocol.ts';

const post = (event: RunEvent) => parent.postMessage(event, '*');

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
const workerUrl = (main: string) => 'data:text/javascript,' + encodeURIComponent(
  `self.__main=${main};\nonmessage=(e)=>{onmessage=null;self.runFiles=e.data.pglite;importScripts(...e.data.scripts);__run(self.__main,e.data.path)};`);

addEventListener('message', (message: MessageEvent<RunRequest>) => {
  if (message.source !== parent || message.data?.type !== 'run') return;
  const { main, path, scripts, pglite, timeLimitMs } = message.data;
  const meter = new OutputMeter();
  const worker = new Worker(workerUrl(main));
  let over = false;
  const end = (event: RunEvent) => {
    if (over) return;
    over = true;
    clearTimeout(timer);
    worker.terminate();
    post(event);
  };
  const timer = setTimeout(() => end({ type: 'stopped', reason: 'time' }), timeLimitMs);
  worker.addEventListener('message', ({ data }: MessageEvent<RunEvent>) => {
    if (over) return;
    if (data.type !== 'out') return end(data);
    const kept = meter.accept(data.text);
    if (kept) post({ type: 'out', stream: data.stream, text: kept });
    if (meter.full) end({ type: 'stopped', reason: 'output' });
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    post({ type: 'out', stream: 'stderr', text: `${event.message || 'The module failed to load'}\n` });
    end({ type: 'exit', code: 1 });
  });
  const files = pglite ? [pglite.pglite, pglite.initdb, pglite.data] : [];
  worker.postMessage({ scripts, path, pglite }, files);
});
