/**
 * A concurrency-limited async iterator: applies an async function to
 * each item of a source, at most `limit` calls at a time, and yields
 * the results in source order. It pulls the next item only when a slot
 * is free and the consumer has taken a result, so a fast source and a
 * slow consumer never pile up more than `limit` items between them.
 * When the consumer stops early or a call fails, the calls still
 * running are aborted and the source is closed.
 * `Promise.all(items.map(fn))` is the unbounded version of this.
 * @see https://nodejs.org/api/stream.html#readablemapfn-options
 */

export type Task<T, R> = (item: T, signal: AbortSignal) => Promise<R>;

// #region map-concurrent
export async function* mapConcurrent<T, R>(
  source: AsyncIterable<T> | Iterable<T>, limit: number, fn: Task<T, R>,
): AsyncGenerator<R> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a whole number >= 1, got ${limit}`);
  }
  const stop = new AbortController(); // ends calls nobody will read
  const running: Promise<R>[] = []; // in source order, at most `limit`
  try {
    for await (const item of source) {
      const call = fn(item, stop.signal);
      call.catch(() => {}); // handled when its turn comes, not "unhandled"
      running.push(call);
      if (running.length === limit) yield await running.shift()!;
    }
    while (running.length > 0) yield await running.shift()!;
  } finally {
    // Consumer broke out, or a call failed: stop the rest.
    if (running.length > 0) stop.abort(new Error('mapConcurrent stopped'));
  }
}
// #endregion map-concurrent

if (import.meta.main) {
  let pulled = 0, active = 0, peak = 0;
  function* orderIds() { // a "fast" source: as many ids as we ask for
    for (let id = 1; id <= 1_000; id++) { pulled++; yield id; }
  }
  const fetchOrder: Task<number, string> = async (id) => {
    peak = Math.max(peak, ++active);
    await new Promise((resolve) => setImmediate(resolve)); // the I/O
    active--;
    return `order ${id}`;
  };
  const first: string[] = [];
  for await (const order of mapConcurrent(orderIds(), 4, fetchOrder)) {
    first.push(order);
    if (first.length === 10) break; // the consumer has what it needs
  }
  console.log(first.slice(0, 3).join(', '), '...', first.at(-1));
  console.log(`pulled ${pulled} of 1000 ids, at most ${peak} calls at once`);
}
