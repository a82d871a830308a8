/**
 * An orchestrated saga (Garcia-Molina and Salem, "Sagas", SIGMOD 1987;
 * microservices.io "Pattern: Saga"): a sequence of local transactions,
 * each in its own service, run by an orchestrator that persists its
 * progress after every step. When a step says no before the pivot, the
 * orchestrator runs the compensations of the completed steps in reverse
 * order. After the pivot, steps must succeed: they are retried, and a
 * refusal parks the saga for a human instead of undoing anything.
 *
 * Every action and compensation gets a key that is the same on every
 * attempt, so a participant can deduplicate a retry after a crash.
 */
import { noJitter } from '../reliability/backoff.ts';

// #region steps
/** Before the pivot: can be undone. The pivot: the point of no return.
 * After it: retried until they succeed, never undone. */
export type StepKind = 'compensatable' | 'pivot' | 'retriable';

export interface SagaStep<I> {
  name: string;
  kind: StepKind;
  /** `key` is the same on every attempt: participants dedupe on it. */
  action(input: I, key: string): Promise<void>;
  /** A semantic undo (refund, release), not a rollback. */
  compensate?(input: I, key: string): Promise<void>;
}

/** A participant's definitive "no" (declined, out of stock). Any other
 * error means the outcome is unknown: resume later with the same key. */
export class StepRejected extends Error {
  override name = 'StepRejected';
}
// #endregion steps

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated';

export interface SagaState<I> {
  id: string;
  status: SagaStatus;
  input: I;
  /** Steps whose action completed, in order. */
  done: string[];
  /** Steps whose compensation completed, in order. */
  undone: string[];
  /** The step that said no, and why. Never holds the input. */
  failure: string | null;
  /** Set when the saga needs a human; resume() leaves it alone until then. */
  parked: string | null;
  /** Bumped on every save; a save from a stale copy is refused. */
  version: number;
}

export interface SagaStore<I> {
  load(id: string): Promise<SagaState<I> | undefined>;
  /** Inserts a new saga, or returns the one already stored under its id. */
  create(state: SagaState<I>): Promise<SagaState<I>>;
  /** Stores `state` if the stored version is `state.version - 1`. */
  save(state: SagaState<I>): Promise<void>;
}

export class StaleSagaError extends Error {
  override name = 'StaleSagaError';
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a saga's steps: unique names, compensatable steps first, then at
 * most one pivot, then retriable steps. */
export function defineSaga<I>(steps: SagaStep<I>[]): SagaStep<I>[] {
  if (steps.length === 0) throw new Error('a saga needs at least one step');
  const order: Record<StepKind, number> = { compensatable: 0, pivot: 1, retriable: 2 };
  const names = new Set<string>();
  let last = 0;
  for (const step of steps) {
    if (!ID.test(step.name)) throw new Error(`bad step name: ${JSON.stringify(step.name)}`);
    if (names.has(step.name)) throw new Error(`duplicate step name: ${step.name}`);
    names.add(step.name);
    const rank = order[step.kind];
    if (rank === undefined) throw new Error(`${step.name}: unknown kind ${String(step.kind)}`);
    if (rank < last || (rank === 1 && last === 1)) {
      throw new Error(`${step.name}: order must be compensatable steps, one pivot, retriable steps`);
    }
    if (step.compensate && step.kind !== 'compensatable') {
      throw new Error(`${step.name}: only a compensatable step can have a compensation`);
    }
    last = rank;
  }
  return steps;
}

export interface OrchestratorOptions {
  /** Tries per compensation before the saga is parked (default 3). */
  compensationAttempts?: number;
  /** Wait before compensation retry n (1, 2, …); default 100 ms doubling to 5 s. */
  backoff?: (n: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

/** JSON with object keys sorted: equal inputs compare equal whatever
 * order their keys come back in (jsonb stores them in its own order). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 200);

export class SagaOrchestrator<I> {
  readonly #steps: SagaStep<I>[];
  readonly #store: SagaStore<I>;
  readonly #attempts: number;
  readonly #backoff: (n: number) => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(steps: SagaStep<I>[], store: SagaStore<I>, options: OrchestratorOptions = {}) {
    this.#steps = defineSaga(steps);
    this.#store = store;
    this.#attempts = options.compensationAttempts ?? 3;
    if (!Number.isSafeInteger(this.#attempts) || this.#attempts < 1) {
      throw new RangeError(`compensationAttempts must be 1 or more, got ${this.#attempts}`);
    }
    this.#backoff = options.backoff ?? noJitter({ baseMs: 100, capMs: 5_000 });
    this.#sleep = options.sleep ?? realSleep;
  }

  /** Starts a saga, or resumes it if this id was started before with the
   * same input. Another input under the same id is refused, as an
   * idempotency key reused with a different body would be. */
  async start(id: string, input: I): Promise<SagaState<I>> {
    if (!ID.test(id)) throw new Error(`bad saga id: ${JSON.stringify(id)}`);
    const stored = await this.#store.create({
      id, status: 'running', input, done: [], undone: [],
      failure: null, parked: null, version: 1,
    });
    if (canonical(stored.input) !== canonical(input)) {
      // The message names the id only: inputs may hold personal data.
      throw new Error(`saga ${id} was started with a different input`);
    }
    return this.resume(id);
  }

  // #region resume
  /** Carries a stored saga on from wherever it stopped. A crash anywhere
   * leaves the store at the last completed step; calling this again (from
   * a new process) redoes at most that one step, with the same key. */
  async resume(id: string, { retryParked = false } = {}): Promise<SagaState<I>> {
    let s = await this.#store.load(id);
    if (!s) throw new Error(`no saga ${id}`);
    if (s.parked && !retryParked) return s;
    if (s.parked) s = await this.#save(s, { parked: null });
    if (s.status === 'running') s = await this.#forward(s);
    if (s.status === 'compensating') s = await this.#backward(s);
    return s;
  }
  // #endregion resume

  // #region forward
  async #forward(s: SagaState<I>): Promise<SagaState<I>> {
    for (const step of this.#steps) {
      if (s.done.includes(step.name)) continue;
      try {
        await step.action(s.input, `${s.id}:${step.name}`);
      } catch (error) {
        // Unknown outcome (timeout, crash): stop; a resume retries it.
        if (!(error instanceof StepRejected)) throw error;
        const failure = `${step.name}: ${reason(error)}`;
        if (step.kind === 'retriable') {
          // Past the pivot there is no going back: a human decides.
          return this.#save(s, { failure, parked: failure });
        }
        return this.#save(s, { status: 'compensating', failure });
      }
      s = await this.#save(s, { done: [...s.done, step.name] });
    }
    return this.#save(s, { status: 'completed' });
  }
  // #endregion forward

  // #region backward
  async #backward(s: SagaState<I>): Promise<SagaState<I>> {
    for (const name of [...s.done].reverse()) {
      const step = this.#steps.find((x) => x.name === name);
      if (!step?.compensate || s.undone.includes(name)) continue;
      for (let attempt = 1; ; attempt++) {
        try {
          await step.compensate(s.input, `${s.id}:${name}:undo`);
          break;
        } catch (error) {
          if (attempt >= this.#attempts) {
            const why = reason(error);
            const parked = `undo ${name} failed ${attempt} times: ${why}`;
            return this.#save(s, { parked });
          }
          await this.#sleep(this.#backoff(attempt));
        }
      }
      s = await this.#save(s, { undone: [...s.undone, name] });
    }
    return this.#save(s, { status: 'compensated' });
  }
  // #endregion backward

  async #save(s: SagaState<I>, change: Partial<SagaState<I>>): Promise<SagaState<I>> {
    const next = { ...s, ...change, version: s.version + 1 };
    await this.#store.save(next);
    return next;
  }
}

/** A store in memory, for tests and for sagas that may die with the process. */
export class MemorySagaStore<I> implements SagaStore<I> {
  readonly #rows = new Map<string, string>();

  async load(id: string): Promise<SagaState<I> | undefined> {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : JSON.parse(row) as SagaState<I>;
  }

  async create(state: SagaState<I>): Promise<SagaState<I>> {
    if (!this.#rows.has(state.id)) this.#rows.set(state.id, JSON.stringify(state));
    return (await this.load(state.id))!;
  }

  async save(state: SagaState<I>): Promise<void> {
    const stored = await this.load(state.id);
    if (stored?.version !== state.version - 1) {
      throw new StaleSagaError(`saga ${state.id} changed since version ${state.version - 1}`);
    }
    this.#rows.set(state.id, JSON.stringify(state));
  }
}
