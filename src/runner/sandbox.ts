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
 * The worker starts from this data: URL, not a blob: a blob worker of an
 * opaque origin is not a secure context in Chromium, so it has no
 * crypto.subtle or crypto.randomUUID, while a data: worker is one (with an
 * opaque origin of its own). It keeps PGlite's files, if sent, on its global
 * and loads the module's chunk from the site with importScripts, which the
 * policy allows only from the runner's folder.
 */
const BOOT = 'data:text/javascript,' + encodeURIComponent(
  'onmessage=(e)=>{onmessage=null;self.runFiles=e.data.pglite;importScripts(e.data.url)}');

addEventListener('message', (message: MessageEvent<RunRequest>) => {
  if (message.source !== parent || message.data?.type !== 'run') return;
  const { url, pglite, timeLimitMs } = message.data;
  const meter = new OutputMeter();
  const worker = new Worker(BOOT);
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
  worker.postMessage({ url, pglite }, files);
});
