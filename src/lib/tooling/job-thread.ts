/**
 * Work the build sends to a worker thread of its own, one message a job:
 * the thread starts at the first job, keeps the process running only while
 * a job waits (as the same work in this thread would), and ends once no job
 * has come for `idleMs`, so its memory goes with it. When it dies, every
 * job waiting on it fails, naming the thread and the job's task, and the
 * next job starts a new one.
 * The thread's module answers jobs with `serveJobs`. Used for highlighting
 * code (code-highlight-plugin.ts). Share cards drawn this way made the
 * cold build slower (npm run bench, 2026-12-02 23:09: demo wall 16.7 s
 * against 12.8 s, cold build 1.90× against 1.68×): the demo host, which
 * ends last, lost the core the card thread took.
 */
import { parentPort, Worker } from 'node:worker_threads';

interface JobMessage<Job> {
  id: number;
  job: Job;
}
type ResultMessage<Result> = { id: number; result: Result } | { id: number; error: string };

export interface JobThreadOptions {
  /** The thread's module, which calls serveJobs. */
  module: URL;
  /** What the module reads as workerData. */
  workerData?: unknown;
  /** How long the thread waits for another job before it ends. */
  idleMs: number;
  /** What may end the thread early, for the message jobs then fail with. */
  endedBy: string;
}

/** A function that runs `job` in the thread; `task` says what it does, for the error when it fails. */
export type RunInThread<Job, Result> = (job: Job, task: string) => Promise<Result>;

export function jobThread<Job, Result>({ module, workerData, idleMs, endedBy }: JobThreadOptions): RunInThread<Job, Result> {
  const name = module.pathname.split('/').at(-1);
  type Waiting = { task: string; resolve(result: Result): void; reject(error: Error): void };
  let thread: { worker: Worker; waiting: Map<number, Waiting> } | undefined;
  let next = 0;
  let idle: NodeJS.Timeout | undefined;
  const settled = (started: NonNullable<typeof thread>) => {
    // A late reply from a thread that already failed must not touch the idle timer of the one after it.
    if (thread !== started || started.waiting.size > 0) return;
    started.worker.unref();
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (thread === started) thread = undefined;
      void started.worker.terminate();
    }, idleMs).unref();
  };
  const start = () => {
    const started = { worker: new Worker(module, { workerData }), waiting: new Map<number, Waiting>() };
    const fail = (why: string) => {
      if (thread === started) thread = undefined;
      for (const { task, reject } of started.waiting.values()) reject(new Error(`${name} could not ${task}: ${why}`));
      started.waiting.clear();
    };
    started.worker.on('message', (message: ResultMessage<Result>) => {
      const waiting = started.waiting.get(message.id);
      started.waiting.delete(message.id);
      if ('error' in message) waiting?.reject(new Error(`${name} could not ${waiting.task}: ${message.error}`));
      else waiting?.resolve(message.result);
      settled(started);
    });
    started.worker.on('error', (error) => fail(`its thread failed: ${error.stack ?? error.message}`));
    // A reply that cannot be read names no job: every waiting one fails rather than waits for ever.
    started.worker.on('messageerror', (error) => fail(`a reply from its thread could not be read: ${error.message}`));
    started.worker.on('exit', (code) => fail(`its thread ended (code ${code}); ${endedBy} ended it`));
    return started;
  };
  return (job, task) => {
    clearTimeout(idle);
    const started = (thread ??= start());
    const id = next++;
    return new Promise<Result>((resolve, reject) => {
      started.waiting.set(id, { task, resolve, reject });
      started.worker.ref();
      try {
        started.worker.postMessage({ id, job } satisfies JobMessage<Job>);
      } catch (error) {
        // A job that cannot be sent (a function in it, say) must not leave the thread holding the process.
        started.waiting.delete(id);
        settled(started);
        reject(new Error(`${name} could not ${task}: ${(error as Error).message}`));
      }
    });
  };
}

/**
 * In the thread's module: answers each job with `work`'s result, or with
 * what it threw (its stack, where it has one), or with why its result
 * could not be sent back.
 */
export function serveJobs<Job, Result>(work: (job: Job) => Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread that jobThread started');
  const fail = (id: number, error: unknown) =>
    port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ResultMessage<Result>);
  port.on('message', ({ id, job }: JobMessage<Job>) => {
    work(job).then(
      (result) => {
        // A result that cannot be sent back (a function in it, say) fails its job, not the thread.
        try {
          port.postMessage({ id, result } satisfies ResultMessage<Result>);
        } catch (error) {
          fail(id, `its result cannot be sent back (return only what structuredClone copies): ${(error as Error).message}`);
        }
      },
      (error: unknown) => fail(id, error),
    );
  });
}
