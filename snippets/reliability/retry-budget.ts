/**
 * A retry budget shared by every call a client makes to one dependency,
 * modelled on gRPC's retry throttling (proposal A6): a token count starts
 * full, each failed attempt takes one token, each success gives back a
 * fraction of one, and retries stop while the count is at or below half.
 * When most calls fail the count drains within a few calls, so the client
 * adds almost no retry load to a dependency that is already down; as
 * successes return, retries come back on their own.
 * @see https://github.com/grpc/proposal/blob/master/A6-client-retries.md
 */

export interface RetryBudgetOptions {
  /** Tokens when full; gRPC allows 1-1000. Default 10. */
  maxTokens?: number;
  /** Tokens a success gives back; default 0.1 (gRPC's example). */
  tokenRatio?: number;
}

// Like gRPC, count in thousandths of a token: 0.1 ten times is exactly 1.
const MILLI = 1000;

// #region token-budget
export class RetryBudget {
  readonly #max: number; // in thousandths of a token
  readonly #refund: number;
  #milli: number;

  constructor({ maxTokens = 10, tokenRatio = 0.1 }: RetryBudgetOptions = {}) {
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > 1000) {
      throw new RangeError(`maxTokens must be 1-1000, got ${maxTokens}`);
    }
    if (!(tokenRatio > 0 && tokenRatio <= 1)) {
      throw new RangeError(`tokenRatio must be in (0, 1], got ${tokenRatio}`);
    }
    this.#max = maxTokens * MILLI;
    this.#refund = Math.max(1, Math.floor(tokenRatio * MILLI));
    this.#milli = this.#max; // a new client starts with a full budget
  }

  /** An attempt failed in a way worth retrying (timeout, 503, reset). */
  recordFailure(): void {
    this.#milli = Math.max(0, this.#milli - MILLI);
  }

  /** An attempt got a real answer. */
  recordSuccess(): void {
    this.#milli = Math.min(this.#max, this.#milli + this.#refund);
  }

  /** Retries are allowed only while more than half the tokens are left. */
  canRetry(): boolean {
    return this.#milli * 2 > this.#max;
  }

  get tokens(): number {
    return this.#milli / MILLI;
  }
}
// #endregion token-budget

if (import.meta.main) {
  // 20 calls from one client while the dependency answers every try with
  // 503, through Q32's HTTP wrapper around Q53's loop (3 tries at most).
  const { withRetries } = await import('../http/retry-idempotent.ts');
  const instant = { sleep: async () => {}, backoff: () => 0,
    timeout: () => new AbortController().signal };
  for (const budget of [undefined, new RetryBudget()]) {
    const perCall: number[] = [];
    const client = withRetries(async () => {
      perCall[perCall.length - 1]!++;
      return new Response(null, { status: 503 });
    }, { ...instant, budget }); // one client: every call shares the budget
    for (let i = 0; i < 20; i++) {
      perCall.push(0);
      await client(new Request('http://api.test/orders/1'));
    }
    const total = perCall.reduce((a, b) => a + b, 0);
    console.log(`${budget ? 'with a budget' : 'no budget    '}: ${total} tries`
      + ` (${perCall.join(' ')})`);
  }
}
