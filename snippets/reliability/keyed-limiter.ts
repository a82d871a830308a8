/**
 * One limit per client: a GCRA (generic cell rate algorithm) limiter keyed
 * by user id or client IP, in one process. GCRA behaves like a token
 * bucket but stores a single number per key, the theoretical arrival time
 * (TAT): the moment the key's bucket would be full again. That makes a
 * large map of keys cheap, and the map is still bounded, because an
 * attacker can mint keys (new IPv6 addresses, new accounts) faster than
 * any fixed memory fills.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { clientIp, ipKey, trustedProxies } from './client-ip.ts';
import { rateLimit } from './rate-limit-headers.ts';
import { checkPolicy, type Decision, type Policy } from './token-bucket.ts';

export interface KeyedLimiterOptions {
  now: () => number;
  /** At most this many keys are remembered (least recently used go). */
  maxKeys?: number;
}

// #region gcra
export class KeyedLimiter {
  // Times are kept as (ms since start) x limit: one request is `#windowMs`
  // of that unit and a full bucket `#burst`, all integers, no rounding.
  readonly #tat = new Map<string, number>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #burst: number;
  readonly #clock: () => number;
  readonly #start: number;
  readonly #maxKeys: number;

  constructor(policy: Policy, { now, maxKeys = 100_000 }: KeyedLimiterOptions) {
    const { limit, windowSeconds } = checkPolicy(policy);
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be a positive integer: ${maxKeys}`);
    }
    this.#limit = limit;
    this.#windowMs = windowSeconds * 1000;
    this.#burst = limit * this.#windowMs;
    this.#clock = now;
    this.#start = Math.floor(now());
    this.#maxKeys = maxKeys;
  }

  take(key: string): Decision {
    if (key.length === 0 || key.length > 200) {
      throw new RangeError('key must be 1-200 characters');
    }
    const now = (Math.floor(this.#clock()) - this.#start) * this.#limit;
    const tat = Math.max(this.#tat.get(key) ?? now, now);
    const next = tat + this.#windowMs; // this request's arrival added
    const allowed = next - now <= this.#burst;
    const used = allowed ? next : tat;
    // Refused keys are touched too: a client being limited right now is
    // the last one an attacker's key rotation should make us forget.
    this.#remember(key, used);
    return {
      allowed,
      remaining: Math.floor((this.#burst - (used - now)) / this.#windowMs),
      // Until one more request fits: TAT + window - burst.
      retryAfterMs: Math.max(0,
        Math.ceil((used + this.#windowMs - this.#burst - now) / this.#limit)),
    };
  }

  #remember(key: string, tat: number): void {
    // Re-inserted last, so the map stays in least-recently-used order.
    if (!this.#tat.delete(key) && this.#tat.size >= this.#maxKeys) {
      // Forgetting a key gives it a full bucket again. Evict the least
      // recently used: under key rotation that is the attacker's own
      // stale keys, not a busy real client.
      const oldest = this.#tat.keys().next();
      if (!oldest.done) this.#tat.delete(oldest.value);
    }
    this.#tat.set(key, tat);
  }

  get size(): number {
    return this.#tat.size;
  }
}
// #endregion gcra

export interface ClientKeyOptions {
  /** The authenticated user's id, if any (set by the auth middleware). */
  userId: (c: Context) => string | undefined;
  /** The TCP peer address (from the server adapter). */
  peer: (c: Context) => string;
  /** CIDR blocks of our own proxies and load balancers. */
  proxies: readonly string[];
}

// #region client-key
/** "user:<id>" when signed in, else "ip:<address or /64>". */
export function clientKey({ userId, peer, proxies }: ClientKeyOptions) {
  const trusted = trustedProxies(proxies);
  return (c: Context): string => {
    const user = userId(c);
    if (user !== undefined) return `user:${user}`;
    const xff = c.req.header('X-Forwarded-For') ?? null;
    return `ip:${ipKey(clientIp(peer(c), xff, trusted))}`;
  };
}
// #endregion client-key

if (import.meta.main) {
  let now = 0;
  const policy = { name: 'per-client', limit: 2, windowSeconds: 60 };
  const limiter = new KeyedLimiter(policy, { now: () => now });
  type Env = { Bindings: { peer: string }; Variables: { userId?: string } };
  const keyOf = clientKey({
    userId: (c) => c.get('userId'),
    peer: (c) => c.env.peer, // from the server adapter in production
    proxies: ['10.0.0.0/8'],
  });
  const app = new Hono<Env>();
  app.use(async (c, next) => { // stands in for real authentication
    const user = c.req.header('X-Demo-User');
    if (user !== undefined) c.set('userId', user);
    await next();
  });
  app.use(rateLimit(policy, (c) => limiter.take(keyOf(c))));
  app.get('/', (c) => c.text('ok'));
  const send = async (label: string, headers: Record<string, string>) => {
    const res = await app.request('/', { headers }, { peer: '10.0.0.2' });
    console.log(`${label.padEnd(40)} ${res.status}`);
  };
  for (let i = 1; i <= 3; i++) {
    await send(`XFF 198.51.100.4 (request ${i})`,
      { 'X-Forwarded-For': '198.51.100.4' });
  }
  await send('XFF 1.2.3.4, 198.51.100.4 (spoofed)',
    { 'X-Forwarded-For': '1.2.3.4, 198.51.100.4' });
  for (const ip of ['2001:db8::1', '2001:db8::2', '2001:db8::ffff']) {
    await send(`XFF ${ip} (one /64)`, { 'X-Forwarded-For': ip });
  }
  await send('XFF 198.51.100.4, signed in as u42',
    { 'X-Forwarded-For': '198.51.100.4', 'X-Demo-User': 'u42' });
}
