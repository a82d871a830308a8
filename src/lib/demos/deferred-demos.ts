import { demoPlaceholder } from './demo-placeholder.ts';

/** One demo whose output pages show through placeholders. */
interface Deferred {
  /** Settles with the output, or the error the demo failed with; never rejects. */
  outcome: Promise<{ output: string } | { error: unknown }>;
  /** For each place that shows it, the build error its failure becomes there. */
  failures: ((error: unknown) => Error)[];
}

/** What the deferred demos came to. */
export interface Outcomes {
  /** Each demo's output by path, of those that succeeded. */
  outputs: Map<string, string>;
  /** The build error of each place that shows a failed demo, once each. */
  failures: string[];
}

/**
 * The demos whose output pages show as placeholders until the build fills
 * them in (demo-placeholder.ts). The snippet plugin defers a demo only when
 * `active`, which demo-output-integration.ts sets for `astro build`; in
 * `astro dev` there is no end of the build to fill pages in, so a page
 * waits for its demos as it always did.
 */
export class DeferredDemos {
  active = false;
  private readonly demos = new Map<string, Deferred>();

  /**
   * The placeholder for the output of the demo at `path`; `run` starts it
   * (once per path: later calls add only where it is shown). Should it fail,
   * the build fails with `failure(error)`, which names the place.
   */
  placeholder(path: string, run: () => Promise<string>, failure: (error: unknown) => Error): string {
    const placeholder = demoPlaceholder(path);
    let demo = this.demos.get(path);
    if (!demo) {
      const outcome = new Promise<string>((resolve) => resolve(run())).then(
        (output) => ({ output }),
        (error: unknown) => ({ error }),
      );
      this.demos.set(path, (demo = { outcome, failures: [] }));
    }
    demo.failures.push(failure);
    return placeholder;
  }

  /** How many demos were deferred. */
  get size(): number {
    return this.demos.size;
  }

  /** Waits for every deferred demo to end. */
  async outcomes(): Promise<Outcomes> {
    const outputs = new Map<string, string>();
    const failures = new Set<string>();
    for (const [path, demo] of this.demos) {
      const outcome = await demo.outcome;
      if ('output' in outcome) outputs.set(path, outcome.output);
      else for (const failure of demo.failures) failures.add(failure(outcome.error).message);
    }
    return { outputs, failures: [...failures] };
  }
}
