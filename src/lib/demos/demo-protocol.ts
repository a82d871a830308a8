/**
 * What the build (demo-queue.ts) and a demo host (demo-host.ts) say to each
 * other. The build writes one DemoRequest per line, as JSON, to the host's
 * stdin; the host writes one DemoResult per line, as JSON, to RESULT_FD.
 * Results have a descriptor of their own because a demo writes to stdout
 * and stderr itself, and the host writes them synchronously so that a
 * result survives a demo calling `process.exit`. After a failed demo the
 * host exits, since the failure may have left state behind, and so it does
 * past its memory limit (demo-queue.ts); either way it says so in `last`,
 * and the build starts a new host for the demos still queued.
 */

/** One demo for the host to run. */
export interface DemoRequest {
  /** The module, as `node <file>` would be given it. */
  file: string;
}

/** One demo's run, as the host reports it. */
export interface DemoResult {
  file: string;
  stdout: string;
  stderr: string;
  /** 0 when the demo succeeded. */
  exitCode: number;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** The host exits after this result (the demo failed or called process.exit, or the host passed its memory limit). */
  last: boolean;
}

/** The file descriptor results are written to. */
export const RESULT_FD = 3;

/**
 * The host's stdio: requests in on stdin, stdout ignored (each demo's own
 * stdout is captured into its result), the host's own errors on stderr,
 * results on RESULT_FD.
 */
export const HOST_STDIO = ['pipe', 'ignore', 'pipe', 'pipe'] as const;
