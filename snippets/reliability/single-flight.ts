/**
 * Single-flight (request coalescing) inside one process: while a load for a
 * key is running, every other caller for that key waits for the same
 * promise instead of starting its own. It is not a cache: once the load
 * settles, the next caller starts a new one. Q76 puts it in front of the
 * shared Redis cache, where a lock does the same job across instances.
 */

// #region single-flight
export class SingleFlight<V> {
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly stats = { calls: 0, loads: 0 };

  do(key: string, load: () => Promise<V>): Promise<V> {
    this.stats.calls++;
    const running = this.#inFlight.get(key);
    if (running) return running; // join the load already under way
    this.stats.loads++;
    const call = Promise.resolve()
      .then(load) // a load that throws synchronously still rejects
      .finally(() => this.#inFlight.delete(key)); // errors are not kept
    this.#inFlight.set(key, call);
    return call;
  }

  /** Keys with a load under way. */
  get size(): number {
    return this.#inFlight.size;
  }
}
// #endregion single-flight

if (import.meta.main) {
  const flights = new SingleFlight<string>();
  let queries = 0;
  const query = async () => `row ${++queries}`;
  const answers = await Promise.all(
    Array.from({ length: 100 }, () => flights.do('product:42', query)));
  console.log(`100 concurrent calls: ${queries} query, answers`,
    new Set(answers));
  await flights.do('product:42', query);
  console.log(`a call after it settled: ${queries} queries`);
  const failing = () => Promise.reject(new Error('db timeout'));
  const failed = await Promise.allSettled(
    [1, 2, 3].map(() => flights.do('product:7', failing)));
  console.log('a failed load fails every waiter:',
    failed.map((r) => r.status).join(', '), `| in flight: ${flights.size}`);
  console.log(flights.stats);
}
