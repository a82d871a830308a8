/**
 * The thread demo-queue.ts runs its queues in: it takes each demo the build
 * asks for, runs it through this thread's queue for its folder, and sends
 * back the host's result or why there is none. Its own event loop is never
 * blocked by the build's work, so hosts are fed and replaced on time.
 */
import { parentPort } from 'node:worker_threads';
import { demoQueue, type QueueReply, type QueueRequest } from './demo-queue.ts';

const port = parentPort;
if (!port) throw new Error('demo-queue-thread.ts runs as a worker thread of demo-queue.ts');

port.on('message', ({ id, file, options }: QueueRequest) => {
  demoQueue(options)
    .run(file, options.timeoutMs, options.lingerMs)
    .then(
      (result) => port.postMessage({ id, result } satisfies QueueReply),
      (error: Error) => port.postMessage({ id, error: error.message } satisfies QueueReply),
    );
});
