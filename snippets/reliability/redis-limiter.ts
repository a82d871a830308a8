/**
 * A rate limit shared by every instance: the token bucket of
 * token-bucket.ts, run as one Lua script inside Redis so that reading the
 * bucket, refilling it and taking a token happen as one step. Redis runs
 * a script to completion before any other command, so two instances can
 * never both read "1 token left" and both spend it.
 * @see https://redis.io/docs/latest/develop/programmability/eval-intro/
 */
import { createHash } from 'node:crypto';
import { KeyedLimiter } from './keyed-limiter.ts';
import { checkPolicy, type Decision, type Policy } from './token-bucket.ts';

// #region lua
/**
 * KEYS[1] a hash {units, at}; ARGV limit, window in ms, cost. One token
 * is `window` units, each ms adds `limit` units: integers throughout. The
 * clock is Redis's TIME, one clock for every instance, so an app server
 * whose clock runs fast cannot refill buckets early.
 */
export const TOKEN_BUCKET_LUA = `
local limit, window, cost =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local full = limit * window
local s = redis.call('HMGET', KEYS[1], 'units', 'at')
local units, at = tonumber(s[1]) or full, tonumber(s[2]) or now
units = math.min(full, units + math.max(0, now - at) * limit)
at = math.max(now, at)
local allowed = units >= cost * window
if allowed then
  units = units - cost * window
  redis.call('HSET', KEYS[1], 'units', string.format('%d', units),
    'at', string.format('%d', at))
  -- Gone once full again: an idle client costs no memory.
  redis.call('PEXPIRE', KEYS[1], math.ceil((full - units) / limit))
end
local missing = (allowed and 1 or cost) * window - units
return { allowed and 1 or 0, math.floor(units / window),
  math.max(0, math.ceil(missing / limit)) }
`;
// #endregion lua

const SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');

/** The two commands the limiter needs; node-redis clients have them. */
export interface ScriptClient {
  evalSha(sha: string, o: { keys: string[]; arguments: string[] }):
    Promise<unknown>;
  eval(script: string, o: { keys: string[]; arguments: string[] }):
    Promise<unknown>;
}

// #region redis-limiter
export class RedisLimiter {
  readonly #client: ScriptClient;
  readonly #policy: Policy;

  constructor(client: ScriptClient, policy: Policy) {
    const { limit, windowSeconds } = checkPolicy(policy);
    if (limit * windowSeconds * 1000 > 2 ** 50) {
      throw new RangeError('limit x window too large for exact arithmetic');
    }
    this.#client = client;
    this.#policy = policy;
  }

  async take(key: string, cost = 1): Promise<Decision> {
    const { name, limit, windowSeconds } = this.#policy;
    if (!Number.isSafeInteger(cost) || cost < 1 || cost > limit) {
      throw new RangeError(`cost must be 1..${limit}, got ${cost}`);
    }
    const call = {
      keys: [`rl:${name}:{${key}}`], // {…}: one cluster slot per client
      arguments: [String(limit), String(windowSeconds * 1000), String(cost)],
    };
    let reply: unknown;
    try {
      reply = await this.#client.evalSha(SHA, call); // usually cached
    } catch (error) {
      // After a restart or SCRIPT FLUSH: EVAL sends and caches it again.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) {
        throw error;
      }
      reply = await this.#client.eval(TOKEN_BUCKET_LUA, call);
    }
    const [allowed, remaining, retryAfterMs] = reply as number[];
    return { allowed: allowed === 1, remaining: remaining!,
      retryAfterMs: retryAfterMs! };
  }
}
// #endregion redis-limiter

export interface HybridOptions {
  /** How long to wait for Redis before deciding locally. */
  timeoutMs: number;
  /** Called when Redis failed or was slow: count it, alert on it. */
  onDegraded?: (error: unknown) => void;
}

// #region hybrid
/**
 * A local limit in front of the global one. The local limiter refuses
 * obvious floods without a network round trip; the shared bucket in Redis
 * holds the real budget. If Redis is down or slow, the local limit alone
 * decides: degraded (each instance allows its own share), never wide open
 * and never an outage of its own.
 */
export class HybridLimiter {
  readonly #local: KeyedLimiter;
  readonly #global: { take(key: string): Promise<Decision> };
  readonly #options: HybridOptions;

  constructor(local: KeyedLimiter,
    global: { take(key: string): Promise<Decision> },
    options: HybridOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError('timeoutMs > 0');
    this.#local = local;
    this.#global = global;
    this.#options = options;
  }

  async take(key: string): Promise<Decision> {
    const local = this.#local.take(key);
    if (!local.allowed) return local;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('rate limiter timeout')),
        this.#options.timeoutMs);
    });
    try {
      return await Promise.race([this.#global.take(key), late]);
    } catch (error) {
      this.#options.onDegraded?.(error);
      return local;
    } finally {
      clearTimeout(timer);
    }
  }
}
// #endregion hybrid

// #region regions
/**
 * Splits one global budget that many clients draw on (a tenant's total,
 * say) into per-region budgets, each enforced by that region's own Redis:
 * no request waits on another continent. Shares are weights (say, last
 * month's traffic); each region gets at least 1.
 */
export function regionalPolicies(policy: Policy,
  shares: Record<string, number>): Record<string, Policy> {
  checkPolicy(policy);
  const entries = Object.entries(shares);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (entries.length === 0 || entries.some(([, w]) => !(w > 0))
    || !Number.isFinite(total)) {
    throw new RangeError('shares must be positive numbers');
  }
  if (entries.length > policy.limit) {
    throw new RangeError('more regions than requests in the budget');
  }
  // One each, then the rest by weight, rounded down: never over budget.
  const spare = policy.limit - entries.length;
  return Object.fromEntries(entries.map(([region, w]) => [region, {
    ...policy,
    name: `${policy.name}-${region}`,
    limit: 1 + Math.floor(spare * w / total),
  }]));
}
// #endregion regions

if (import.meta.main) {
  const budgets = regionalPolicies(
    { name: 'api', limit: 1000, windowSeconds: 60 },
    { us: 5, eu: 3, ap: 2 });
  for (const [region, p] of Object.entries(budgets)) {
    console.log(`${region}: ${p.limit} per ${p.windowSeconds} s (${p.name})`);
  }
}
