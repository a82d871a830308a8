/**
 * A per-request batching loader, the DataLoader pattern in miniature.
 * GraphQL resolves each field on its own, so a list of N users asks for N
 * managers one at a time. The loader collects those keys while the
 * resolvers run, then fetches them in one round trip.
 * @see https://github.com/graphql/dataloader#batching
 */

export interface BatchLoader<K, V> {
  /** Resolves to the value for `key`, or `undefined` if there is none. */
  load(key: K): Promise<V | undefined>;
}

export interface BatchLoaderOptions {
  /** Keys per call to the batch function; the store's limit. */
  maxBatchSize?: number;
  /**
   * Runs the dispatch later. The default, `setImmediate`, waits until every
   * pending promise job has run, so resolvers that are a few promise turns
   * apart still share one batch. Tests inject their own.
   */
  schedule?: (dispatch: () => void) => void;
}

interface Pending<K, V> {
  key: K;
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}

// #region loader
/**
 * `fetchMany` gets unique keys and returns what it found, keyed by id; a
 * missing key means "no such value". Create one loader per request: its
 * cache holds what this caller may see, as of this request.
 */
export function createBatchLoader<K, V>(
  fetchMany: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
  { maxBatchSize = 100, schedule = setImmediate }: BatchLoaderOptions = {},
): BatchLoader<K, V> {
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be >= 1, got ${maxBatchSize}`);
  }
  const cache = new Map<K, Promise<V | undefined>>();
  let queue: Pending<K, V>[] = [];

  const dispatch = () => {
    const jobs = queue;
    queue = [];
    for (let i = 0; i < jobs.length; i += maxBatchSize) {
      const chunk = jobs.slice(i, i + maxBatchSize);
      Promise.resolve()
        .then(() => fetchMany(chunk.map((job) => job.key)))
        .then((found) => {
          for (const job of chunk) job.resolve(found.get(job.key));
        }, (error: unknown) => {
          for (const job of chunk) {
            cache.delete(job.key); // a failure is not cached: retry later
            job.reject(error);
          }
        });
    }
  };

  return {
    load(key) {
      const cached = cache.get(key);
      if (cached) return cached; // the same key twice costs nothing
      const promise = new Promise<V | undefined>((resolve, reject) => {
        // The first key of a batch schedules the fetch. By the time it
        // runs, sibling resolvers have queued their keys too.
        if (queue.length === 0) schedule(dispatch);
        queue.push({ key, resolve, reject });
      });
      cache.set(key, promise);
      return promise;
    },
  };
}
// #endregion loader
