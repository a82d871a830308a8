/**
 * The decision half of active-passive failover between two regions, and
 * the fencing that makes it safe. Observers in several places probe each
 * region every few seconds; a round counts as failed only when most of them
 * saw it fail, the active region must fail several rounds in a row and the
 * standby must pass several in a row (hysteresis, so one blip or a flapping
 * region does not bounce traffic), and the standby's replication lag must
 * be within the RPO. Each promotion raises an epoch: the fencing token that
 * storage checks, so an old primary that is still running cannot write.
 * @see https://martin.kleppmann.com/2016/02/08/how-to-do-distributed-locking.html
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */

export interface FailoverPolicy {
  failAfter: number; // failed rounds in a row before the active is "down"
  recoverAfter: number; // good rounds in a row before a region may lead
  maxLagMs: number; // the RPO: more replication lag than this needs a human
  downQuorum?: number; // share of observers that must see a failure; 0.5
}

export type Decision =
  | { action: 'stay' }
  | { action: 'fail-over'; from: string; to: string; epoch: number }
  | { action: 'hold'; reason: string };

// #region health-hysteresis
export class FailoverController {
  #active: string;
  #standby: string;
  #epoch = 1; // fencing token of the current active region
  #lagMs = Number.POSITIVE_INFINITY; // standby lag; unknown until reported
  readonly #failed = new Map<string, number>(); // rounds failed in a row
  readonly #passed = new Map<string, number>(); // rounds passed in a row
  readonly #policy: Required<FailoverPolicy>;

  constructor(active: string, standby: string, policy: FailoverPolicy) {
    const { failAfter, recoverAfter, maxLagMs, downQuorum = 0.5 } = policy;
    for (const n of [failAfter, recoverAfter]) {
      if (!Number.isInteger(n) || n < 1 || n > 100) {
        throw new RangeError(`round counts must be 1-100; got ${n}`);
      }
    }
    if (!(maxLagMs >= 0) || !(downQuorum >= 0 && downQuorum < 1)) {
      throw new RangeError('maxLagMs must be >= 0, downQuorum in [0, 1)');
    }
    if (active === standby) throw new RangeError('regions must differ');
    this.#active = active;
    this.#standby = standby;
    this.#policy = { failAfter, recoverAfter, maxLagMs, downQuorum };
  }

  get active() { return this.#active; }
  get epoch() { return this.#epoch; }

  /** One probe round: each observer's verdict, and the standby's lag. */
  observe(region: string, votes: readonly boolean[], lagMs?: number) {
    if (region !== this.#active && region !== this.#standby) {
      throw new RangeError(`unknown region ${JSON.stringify(region)}`);
    }
    if (votes.length < 1 || votes.length > 64) {
      throw new RangeError('a round needs 1-64 observer votes');
    }
    if (lagMs !== undefined && !(lagMs >= 0)) {
      throw new RangeError(`bad lagMs ${lagMs}`);
    }
    const down = votes.filter((ok) => !ok).length / votes.length;
    const failed = down > this.#policy.downQuorum; // not one observer's view
    this.#failed.set(region, failed ? this.#count(this.#failed, region) : 0);
    this.#passed.set(region, failed ? 0 : this.#count(this.#passed, region));
    if (region === this.#standby) { // only this round's reading counts
      this.#lagMs = lagMs ?? Number.POSITIVE_INFINITY;
    }
    return this.#decide();
  }

  #count(m: Map<string, number>, region: string) {
    return (m.get(region) ?? 0) + 1;
  }

  #decide(): Decision {
    const p = this.#policy;
    if ((this.#failed.get(this.#active) ?? 0) < p.failAfter) {
      return { action: 'stay' };
    }
    const proven = this.#passed.get(this.#standby) ?? 0;
    if (proven < p.recoverAfter) {
      return { action: 'hold', reason: `${this.#standby} has passed ` +
        `${proven} of ${p.recoverAfter} rounds` };
    }
    if (this.#lagMs > p.maxLagMs) { // promoting would lose too much data
      const lag = Number.isFinite(this.#lagMs) ? `${this.#lagMs} ms` : '?';
      return { action: 'hold',
        reason: `lag ${lag} > RPO ${p.maxLagMs} ms: a human decides` };
    }
    const from = this.#active;
    [this.#active, this.#standby] = [this.#standby, from];
    this.#epoch += 1; // every promotion gets a higher fencing token
    return { action: 'fail-over', from, to: this.#active, epoch: this.#epoch };
  }
}
// #endregion health-hysteresis

// #region fencing
export class StaleEpochError extends Error {
  constructor(epoch: number, highest: number, what = 'write') {
    super(`${what} with epoch ${epoch} refused: epoch ${highest} is taken`);
    this.name = 'StaleEpochError';
  }
}

/** Storage that remembers the highest epoch it has seen and refuses less. */
export class FencedStore<V> {
  #highest = 0;
  readonly #rows = new Map<string, V>();

  /** Promotion: record a new epoch before the new leader serves. Each
   * epoch is taken once, so two leaders can never share one. */
  fence(epoch: number): void {
    this.#check(epoch);
    if (epoch <= this.#highest) {
      throw new StaleEpochError(epoch, this.#highest, 'fence');
    }
    this.#highest = epoch;
  }

  write(key: string, value: V, epoch: number): void {
    this.#check(epoch);
    if (epoch < this.#highest) throw new StaleEpochError(epoch, this.#highest);
    this.#highest = epoch; // check and record in one step, as the DB must
    this.#rows.set(key, value);
  }

  #check(epoch: number) {
    if (!Number.isSafeInteger(epoch) || epoch < 1) {
      throw new RangeError(`epoch must be a whole number >= 1; got ${epoch}`);
    }
  }

  read(key: string): V | undefined { return this.#rows.get(key); }
}
// #endregion fencing

if (import.meta.main) {
  const ctl = new FailoverController('us-east', 'us-west',
    { failAfter: 3, recoverAfter: 3, maxLagMs: 5_000 });
  const store = new FencedStore<string>();
  const log = (s: number, text: string) => console.log(`0:${
    String(s / 60 | 0).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} ${text}`);
  const up = [true, true, true];
  const partitioned = [false, false, true]; // 2 of 3 observers cut off
  for (let s = 0; s < 60; s += 10) {
    const east = s === 10 ? [true, false, true] : s >= 30 ? partitioned : up;
    const d = ctl.observe('us-east', east);
    const d2 = ctl.observe('us-west', up, 800);
    for (const x of [d, d2]) {
      if (x.action === 'fail-over') {
        store.fence(x.epoch); // before us-west takes any traffic
        log(s, `fail over ${x.from} -> ${x.to}, epoch ${x.epoch}`);
      } else if (s === 10 && x === d) log(s, '1 of 3 observers failed: stay');
    }
  }
  store.write('order:42', 'paid (us-west)', ctl.epoch);
  log(60, `us-west writes with epoch ${ctl.epoch}: ok`);
  try { // us-east never saw the failover and still thinks it leads
    store.write('order:42', 'cancelled (us-east)', 1);
  } catch (e) { log(60, `us-east writes with epoch 1: ${(e as Error).message}`); }
  log(60, `order:42 is ${store.read('order:42')}`);
  const back = ctl.observe('us-east', up); // it recovers: no flap back
  log(60, `us-east healthy again: ${back.action}, active ${ctl.active}`);
}
