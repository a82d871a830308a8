import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type DemoRequest, type DemoResult, HOST_STDIO, RESULT_FD } from './demo-protocol.ts';

/**
 * Node flags for the demo host. `--liftoff-only` keeps WebAssembly on V8's
 * baseline compiler: a demo that starts PostgreSQL (PGlite) ends too soon
 * for the optimizing tier to pay back, and with it V8 recompiled PGlite's
 * hot functions in the background, at a large cost in memory and CPU. A
 * 1 MB young generation is plenty for a demo's garbage and lowers the
 * host's peak. bench/README.md reports the host's memory; measure a change
 * to these flags with `npm run bench` (results in bench/results/).
 */
const DEMO_HOST_FLAGS = ['--liftoff-only', '--max-semi-space-size=1'] as const;

const HOST_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'demo-host.ts');

export interface HostOptions {
  /** Folder the host runs demos in. */
  cwd: string;
  /** Where Node keeps the demos' compiled code (NODE_COMPILE_CACHE). */
  compileCache: string;
  /** Kills a demo that hangs; a demo must be quick and deterministic. */
  timeoutMs: number;
}

/** The last lines of a process's stderr, to end an error message with. */
export const stderrTail = (text: string) => {
  const lines = text.trim().split('\n').slice(-8).join('\n');
  return lines ? `:\n${lines}` : '';
};

interface Job {
  file: string;
  timeoutMs: number;
  resolve: (result: DemoResult) => void;
  reject: (error: Error) => void;
}

interface Host {
  child: ChildProcess;
  /** The demo it is running. */
  job?: Job;
  timer?: NodeJS.Timeout;
  /** The end of what the host itself wrote to stderr, for when it dies. */
  stderr: string;
}

/**
 * Feeds demos to a demo host (demo-host.ts), a child process that runs
 * them one at a time, so the build pays for starting Node and loading a
 * demo's packages once rather than per demo. The host is started when
 * there is work and told to exit when the queue is empty; one that ends
 * itself (after a failed demo or a demo's process.exit) or is stopped at a
 * timeout is replaced for the demos still queued.
 */
class DemoQueue {
  private readonly jobs: Job[] = [];
  private host?: Host;
  private readonly cwd: string;
  private readonly compileCache: string;

  constructor(cwd: string, compileCache: string) {
    this.cwd = cwd;
    this.compileCache = compileCache;
  }

  run(file: string, timeoutMs: number): Promise<DemoResult> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ file, timeoutMs, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.host?.job) return;
    const job = this.jobs.shift();
    if (!job) {
      if (this.host) this.retire(this.host);
      return;
    }
    const host = this.host ?? this.start();
    host.job = job;
    host.timer = setTimeout(() => {
      host.child.kill('SIGKILL');
      this.retire(host);
      this.settle(host, () => job.reject(new Error(`running "node ${job.file}" was stopped after ${job.timeoutMs} ms`)));
    }, job.timeoutMs);
    host.child.stdin!.write(`${JSON.stringify({ file: job.file } satisfies DemoRequest)}\n`);
  }

  private start(): Host {
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_COMPILE_CACHE: this.compileCache };
    const child = spawn(process.execPath, [...DEMO_HOST_FLAGS, HOST_SCRIPT], { cwd: this.cwd, env, stdio: [...HOST_STDIO] });
    const host: Host = { child, stderr: '' };
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
      const { job } = host;
      if (result.last) this.retire(host);
      if (job?.file === result.file) this.settle(host, () => job.resolve(result));
    });
    child.on('close', (code, signal) => {
      this.retire(host);
      const { job } = host;
      if (job) this.settle(host, () => job.reject(new Error(`running "node ${job.file}": the demo host ended (${signal ?? `code ${code}`}) without a result${stderrTail(host.stderr)}`)));
    });
    this.host = host;
    return host;
  }

  /** Sends no more demos to `host`, and lets it exit once idle. */
  private retire(host: Host): void {
    if (this.host !== host) return;
    this.host = undefined;
    host.child.stdin!.end();
  }

  /** Ends the host's current demo with `outcome`, then starts the next. */
  private settle(host: Host, outcome: () => void): void {
    clearTimeout(host.timer);
    host.job = undefined;
    outcome();
    this.next();
  }
}

/** One queue, so one host at a time, per folder demos run in. */
const queues = new Map<string, DemoQueue>();

/**
 * Runs `file` in a demo host once the demos queued before it are done, and
 * resolves with what the host reported, failed demos included. Rejects only
 * when the host gave no result: it died, or the demo ran past its timeout.
 */
export function runInDemoHost(file: string, { cwd, compileCache, timeoutMs }: HostOptions): Promise<DemoResult> {
  let queue = queues.get(cwd);
  if (!queue) queues.set(cwd, (queue = new DemoQueue(cwd, compileCache)));
  return queue.run(file, timeoutMs);
}
