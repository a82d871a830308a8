import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { type DemoRequest, type DemoResult, HOST_STDIO, RESULT_FD } from './demo-protocol.ts';

/**
 * Node flags for the demo host. `--liftoff-only` keeps WebAssembly on V8's
 * baseline compiler: a demo that starts PostgreSQL (PGlite) ends too soon
 * for the optimizing tier to pay back, and with it V8 recompiled PGlite's
 * hot functions in the background, at a large cost in memory and CPU: with
 * one host for all 125 demos, 17.1–19.0 s of host CPU and ~650 MiB against
 * 11.8–14.2 s and ~280 MiB (3 interleaved runs each of
 * scripts/bench/host-cpu.ts, 2026-12-02). A
 * 1 MB semi-space is plenty for a demo's garbage and lowers the
 * host's peak; 4 MB used no clearly less CPU (17.8 s against 18.5 s, 4
 * interleaved runs each of scripts/bench/host-cpu.ts, within its noise),
 * and 8 MB made the hosts reach their memory limit sooner: 5 hosts a cold
 * build instead of 4, and no less CPU (2026-12-02). bench/README.md
 * reports the host's memory; measure a change to these flags with
 * `npm run bench` (results in bench/results/).
 */
const DEMO_HOST_FLAGS = ['--liftoff-only', '--max-semi-space-size=1'] as const;

/**
 * A host past this resident size after a demo ends itself, and the next
 * demos run in a fresh one, which loads Node, the demos' packages and
 * PGlite's WebAssembly again (~1 s of CPU). A host keeps every module
 * instance each demo loaded (their URLs differ), so it grows as it goes.
 * It grew faster until 2026-12-02: a database the pool had closed stayed
 * alive, WebAssembly memory and all, as long as a demo's module held it
 * (database-pool.ts), and glibc kept the large blocks a demo had freed
 * (scrypt's, say) rather than hand them back (ALLOCATOR_ENV). With both fixed,
 * one host ran all 125 demos of a cold build below 384 MiB, peaking at
 * 273–319 MiB PSS, where a 288 MiB limit had taken four hosts peaking at
 * 384–406 MiB, and 11.5–13.9 s of CPU against 13.5–14.2 s
 * (scripts/bench/host-cpu.ts, 2 runs each). The limit stays as a guard
 * against a demo that leaks. Measure a change with `npm run bench`.
 */
export const HOST_RSS_LIMIT_MB = 384;

/** The hosts' environment, over the build's. */
const HOST_ENV = { NO_COLOR: '1', FORCE_COLOR: '0', NODE_COMPILE_CACHE: undefined } as const;

/**
 * Set for a host's allocator alone, unless the build has them: glibc reads
 * them as the process starts, and the host removes them before it runs a
 * demo, so demos see the build's environment. glibc's malloc serves a
 * block of over 128 KiB with a mapping of its own and unmaps it when
 * freed, but after the first such free it raises that threshold to the
 * block's size (up to 32 MiB on 64-bit) and keeps later blocks of that
 * size in its heap, whose free top it hands back only past twice the new
 * threshold (mallopt(3), M_MMAP_THRESHOLD): after the scrypt demos a host
 * held ~75 MB more for the rest of its life. Setting the threshold turns
 * that off and keeps both at 128 KiB.
 */
const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;

const HOST_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'demo-host.ts');

export interface HostOptions {
  /** Folder the host runs demos in. */
  cwd: string;
  /** Kills a demo that hangs; a demo must be quick and deterministic. */
  timeoutMs: number;
  /** How many hosts may run demos side by side (taken from the first call per folder). */
  hosts: number;
  /** A host's memory limit (MiB, see HOST_RSS_LIMIT_MB; taken from the first call per folder). */
  rssLimitMb?: number;
  /** Keeps idle hosts this long after this demo ends, for demos still to come (a warm-up's; none by default). */
  lingerMs?: number;
}

/** The last lines of a process's stderr, to end an error message with. */
export const stderrTail = (text: string) => {
  const lines = text.trim().split('\n').slice(-8).join('\n');
  return lines ? `:\n${lines}` : '';
};

/** Throws unless `size` is a number of hosts a queue can have. */
function checkHosts(size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new Error(`demo hosts: expected a whole number of at least 1, found ${size}`);
}

interface Job {
  file: string;
  timeoutMs: number;
  resolve: (result: DemoResult) => void;
  reject: (error: Error) => void;
}

interface Host {
  child: ChildProcess;
  /** Demos sent to it and not yet reported, in the order it runs them. */
  sent: Job[];
  /** Stops the first of `sent` when it runs past its timeout. */
  timer?: NodeJS.Timeout;
  /** The end of what the host itself wrote to stderr, for when it dies. */
  stderr: string;
}

/**
 * Feeds demos to demo hosts (demo-host.ts), child processes that each run
 * demos one at a time, so the build pays for starting Node and loading a
 * demo's packages once per host rather than per demo. Hosts are started
 * when there is work, up to `size` side by side, and told to exit when the
 * queue is empty. A demo is sent to the least busy host as soon as it is
 * queued, so a host runs on by itself while the build's own thread is busy
 * (compiling or rendering pages, for seconds on a loaded machine). Sent
 * only six ahead, a host sat idle 6–10 s early in each cold build once
 * pages stopped waiting for demos (2026-12-02). A host that ends itself
 * (after a failed demo, a demo's process.exit, or past its memory limit)
 * or is stopped at a timeout is replaced, and the demos it was sent but
 * never ran go back to the front of the queue, to be sent again. The
 * build's demos reach it through runInDemoHost, in a thread of its own.
 */
export class DemoQueue {
  private readonly waiting: Job[] = [];
  private readonly hosts = new Set<Host>();
  private readonly cwd: string;
  private readonly size: number;
  private readonly rssLimitMb: number;
  /** Idle hosts stay until then (epoch ms), and the timer that retires them after. */
  private lingerUntil = 0;
  private lingerTimer?: NodeJS.Timeout;

  constructor(cwd: string, size: number, rssLimitMb: number) {
    checkHosts(size);
    this.cwd = cwd;
    this.size = size;
    this.rssLimitMb = rssLimitMb;
  }

  run(file: string, timeoutMs: number, lingerMs = 0): Promise<DemoResult> {
    return new Promise((resolve, reject) => {
      const ended = (outcome: () => void) => {
        if (Number.isFinite(lingerMs)) this.lingerUntil = Math.max(this.lingerUntil, Date.now() + lingerMs);
        outcome();
      };
      this.waiting.push({ file, timeoutMs, resolve: (result) => ended(() => resolve(result)), reject: (error) => ended(() => reject(error)) });
      this.dispatch();
    });
  }

  /** Sends waiting demos to the least busy host, starting hosts as needed; retires idle hosts, once no demo asks them to linger. */
  private dispatch(): void {
    while (this.waiting.length > 0) {
      let host = [...this.hosts].sort((a, b) => a.sent.length - b.sent.length)[0];
      if ((!host || host.sent.length > 0) && this.hosts.size < this.size) host = this.start();
      if (!host) break;
      this.send(host, this.waiting.shift()!);
    }
    if (this.waiting.length > 0) return;
    const linger = this.lingerUntil - Date.now();
    clearTimeout(this.lingerTimer);
    if (linger > 0) this.lingerTimer = setTimeout(() => this.dispatch(), linger).unref();
    else for (const host of this.hosts) if (host.sent.length === 0) this.retire(host);
  }

  private send(host: Host, job: Job): void {
    host.sent.push(job);
    if (host.sent.length === 1) this.startTimer(host);
    host.child.stdin!.write(`${JSON.stringify({ file: job.file } satisfies DemoRequest)}\n`);
  }

  /** Times the demo the host runs now, the first it has not reported. */
  private startTimer(host: Host): void {
    const job = host.sent[0];
    if (!job) return;
    host.timer = setTimeout(() => {
      // Node runs due timers before it reads pipes: when the build's thread
      // was busy past the timeout, the demo's result may be waiting unread.
      // Stop the demo only if, once the pipe is read, it is still running.
      setImmediate(() => {
        if (host.sent[0] !== job) return;
        host.child.kill('SIGKILL');
        this.end(host, () => job.reject(new Error(`running "node ${job.file}" was stopped after ${job.timeoutMs} ms`)));
      });
    }, job.timeoutMs);
  }

  /**
   * Starts a host, without Node's compile cache (NODE_COMPILE_CACHE, even
   * if the build has one). That cache keys entries by URL, and the N of
   * the `?demo=N` URLs of a demo's modules counts from 1 in each host: they
   * hit it only where an earlier build loaded the same file, unchanged,
   * under the same N (a cold build never does), yet each became an entry,
   * held in memory until the host exited and then serialized and written:
   * ~1,900 files, 15 MB, per cold build. With it the hosts of a cold build
   * used 19.7 s of CPU, without it 18.3 s (5 interleaved runs each of
   * scripts/bench/host-cpu.ts, 2026-12-02; an earlier set of 4 each gave
   * 19.7 and 18.9 s). It saved ~0.2 s (1.9 s instead of 2.1 s) where a
   * build reruns one PGlite and one zod demo, from its cached copies of
   * the packages.
   */
  private start(): Host {
    const allocator = Object.fromEntries(Object.entries(ALLOCATOR_ENV).filter(([name]) => process.env[name] === undefined));
    const env = { ...process.env, ...HOST_ENV, ...allocator };
    const args = [...DEMO_HOST_FLAGS, HOST_SCRIPT, String(this.rssLimitMb), ...Object.keys(allocator)];
    const child = spawn(process.execPath, args, { cwd: this.cwd, env, stdio: [...HOST_STDIO] });
    const host: Host = { child, sent: [], stderr: '' };
    // A host that could not start, or has died, reports it in 'close'.
    child.on('error', (error) => {
      host.stderr += `${error.message}\n`;
    });
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (chunk) => {
      host.stderr = (host.stderr + chunk).slice(-4000);
    });
    createInterface({ input: child.stdio[RESULT_FD] as Readable }).on('line', (line) => {
      const result = JSON.parse(line) as DemoResult;
      const job = host.sent[0];
      if (job?.file !== result.file) return;
      if (result.last) this.end(host, () => job.resolve(result));
      else {
        clearTimeout(host.timer);
        host.sent.shift();
        this.startTimer(host);
        job.resolve(result);
        this.dispatch();
      }
    });
    child.on('close', (code, signal) => {
      const job = host.sent[0];
      const why = `the demo host ended (${signal ?? `code ${code}`}) without a result${stderrTail(host.stderr)}`;
      this.end(host, () => job?.reject(new Error(`running "node ${job.file}": ${why}`)));
    });
    this.hosts.add(host);
    return host;
  }

  /** Sends no more demos to `host`, and lets it exit once idle. */
  private retire(host: Host): void {
    if (!this.hosts.delete(host)) return;
    host.child.stdin!.end();
  }

  /**
   * Ends `host`'s current demo with `outcome` and retires the host: it has
   * exited or is about to. The demos sent after that one never ran, so
   * they go back to the front of the queue for another host.
   */
  private end(host: Host, outcome: () => void): void {
    clearTimeout(host.timer);
    this.retire(host);
    if (host.sent.length > 0) {
      host.sent.shift();
      this.waiting.unshift(...host.sent.splice(0));
      outcome();
    }
    this.dispatch();
  }
}

/** One queue, so one set of hosts, per folder demos run in. */
const queues = new Map<string, DemoQueue>();

/** This thread's queue for `cwd`, made by the first call with its options. */
export function demoQueue({ cwd, hosts, rssLimitMb = HOST_RSS_LIMIT_MB }: Omit<HostOptions, 'timeoutMs'>): DemoQueue {
  let queue = queues.get(cwd);
  if (!queue) queues.set(cwd, (queue = new DemoQueue(cwd, hosts, rssLimitMb)));
  return queue;
}

/** The thread the queues run in (demo-queue-thread.ts), started at the first demo. */
let thread: { worker: Worker; pending: Map<number, Pick<Job, 'resolve' | 'reject'>>; next: number } | undefined;

function queueThread(): NonNullable<typeof thread> {
  if (thread) return thread;
  // SHARE_ENV: hosts start with this process's environment as it is when they start, as they did when spawned from here.
  const worker = new Worker(new URL('./demo-queue-thread.ts', import.meta.url), { env: SHARE_ENV });
  const made = { worker, pending: new Map<number, Pick<Job, 'resolve' | 'reject'>>(), next: 0 };
  worker.on('message', ({ id, result, error }: QueueReply) => {
    const job = made.pending.get(id);
    made.pending.delete(id);
    // Idle, the thread no more keeps this process alive than idle hosts did.
    if (made.pending.size === 0) worker.unref();
    if (result) job?.resolve(result);
    else job?.reject(new Error(error));
  });
  // A thread that fails leaves no demo waiting on it; the next demo starts a new one.
  // (It never ends by itself: its port keeps it alive.)
  worker.on('error', (error) => {
    for (const job of made.pending.values()) job.reject(new Error(`the demo queue's thread failed: ${error.message}`));
    made.pending.clear();
    thread = undefined;
  });
  worker.unref();
  return (thread = made);
}

/** What the queue's thread is asked, and answers, per demo. */
export interface QueueRequest {
  id: number;
  file: string;
  options: HostOptions;
}
export interface QueueReply {
  id: number;
  result?: DemoResult;
  error?: string;
}

/**
 * Runs `file` in a demo host once the demos queued before it have started,
 * and resolves with what the host reported, failed demos included. Rejects
 * only when the host gave no result: it died, or the demo ran past its timeout.
 *
 * The queue and its hosts live in a thread of their own (demo-queue-thread.ts):
 * when a host ends itself (past its memory limit, or after a failed demo)
 * the next one starts at once, however busy this thread is. Run from the
 * build's thread, a new host waited for Astro to be free: 4–6 s of every
 * cold build with no demo running while Astro bundled pages (2026-12-02).
 */
export function runInDemoHost(file: string, options: HostOptions): Promise<DemoResult> {
  checkHosts(options.hosts);
  const queue = queueThread();
  const id = queue.next++;
  return new Promise((resolve, reject) => {
    queue.pending.set(id, { resolve, reject });
    queue.worker.ref();
    queue.worker.postMessage({ id, file, options } satisfies QueueRequest);
  });
}
