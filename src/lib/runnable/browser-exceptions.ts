/**
 * Modules that bundle for the browser but print something different there
 * than `node file.ts` does, each with the reason. They are shown as
 * Node-only: a page never shows a Run whose output differs from the build's.
 * The output-equality test (tests/e2e/run-output.spec.ts) finds them. A
 * module listed here has no Run button, so no test notices if it has since
 * become equal: try it (remove the line, build, run that test) when its
 * reason may no longer hold.
 */
export const BROWSER_EXCEPTIONS: Record<string, string> = {
  'http/cors.ts': 'sends requests with an Origin header, which browsers do not let code set',
  'api/user-protobuf.ts': "protobufjs compiles code at run time (eval), which the site's policy forbids",
  'jobs/worker.ts': "waits with node:timers/promises' setTimeout options (an AbortSignal, ref: false), which the runner lacks",
};
