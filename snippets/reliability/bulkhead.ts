/**
 * A bulkhead: at most `maxConcurrent` calls to one dependency run at once
 * and at most `maxQueued` wait for a slot; anything beyond is rejected at
 * once, so a slow dependency can tie up only its own share of the
 * process's connections, memory and event-loop work. A slot is released
 * when the call settles (success or error); a caller that aborts while
 * queued leaves the queue without ever taking one.
 */

export class BulkheadFullError extends Error {
  override name = 'BulkheadFullError';
}

// #region bulkhead
export class Bulkhead {
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #queue: (() => void)[] = []; // waiters, oldest first
  #active = 0;

  constructor(maxConcurrent: number, maxQueued: number) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be >= 1, got ${maxConcurrent}`);
    }
    if (!Number.isInteger(maxQueued) || maxQueued < 0) {
      throw new RangeError(`maxQueued must be >= 0, got ${maxQueued}`);
    }
    this.#maxConcurrent = maxConcurrent;
    this.#maxQueued = maxQueued;
  }

  get active() { return this.#active; }
  get queued() { return this.#queue.length; }

  async run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.#active < this.#maxConcurrent) {
      this.#active++;
    } else if (this.#queue.length < this.#maxQueued) {
      await this.#wait(signal); // resolves holding a slot
    } else {
      throw new BulkheadFullError(
        `${this.#active} running and ${this.#queue.length} queued`);
    }
    try {
      return await call();
    } finally {
      this.#release();
    }
  }

  #wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#queue.splice(this.#queue.indexOf(start), 1); // no slot taken
        reject(signal!.reason);
      };
      this.#queue.push(start);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release() {
    const next = this.#queue.shift();
    if (next) next(); // hand the slot over: #active stays the same
    else this.#active--;
  }
}
// #endregion bulkhead
