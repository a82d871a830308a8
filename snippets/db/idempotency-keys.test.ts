import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  canonicalJson, claimKey, completeKey, fingerprint, IDEMPOTENCY_SCHEMA,
  LeaseLostError, purgeExpired, releaseKey, type ClaimOptions, type Db,
  type KeyRef, type Queryable, type StoredResponse,
} from './idempotency-keys.ts';
import { waitsForLock } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const LEASE = 30_000;
const TTL = 86_400_000;
const CREATED: StoredResponse = {
  status: 201, headers: { Location: '/payments/pay_1' }, body: '{"id":"pay_1"}',
};
const SCHEMA = `${IDEMPOTENCY_SCHEMA}
  CREATE TABLE IF NOT EXISTS effects (id serial PRIMARY KEY, note text NOT NULL);`;
const RESET = 'TRUNCATE idempotency_keys, effects';

let tokens = 0;
beforeEach(() => { tokens = 0; });
const opts = (): ClaimOptions => ({
  ttlMs: TTL, leaseMs: LEASE,
  newToken: () => `00000000-0000-4000-8000-${String(++tokens).padStart(12, '0')}`,
});
const ref = (over: Partial<KeyRef> = {}): KeyRef => ({
  tenant: 'acct_a', key: 'k-1', fingerprint: fingerprint('POST', '/payments', { amount: 1 }),
  ...over,
});

/**
 * Time passing, as the database sees it. Deadlines come from the server's
 * `now()`, which a test cannot move, so we move every deadline back instead.
 */
async function elapse(db: Queryable, ms: number): Promise<void> {
  await db.query(`UPDATE idempotency_keys SET
    locked_until = locked_until - $1 * interval '1 ms',
    expires_at = expires_at - $1 * interval '1 ms'`, [ms]);
}

async function owned(db: Db, r = ref()): Promise<string> {
  const claim = await claimKey(db, r, opts());
  if (claim.kind !== 'owned') throw new Error(`expected owned, got ${claim.kind}`);
  return claim.token;
}
const effects = async (db: Queryable) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM effects')).rows[0]?.n;
const effect = (response = CREATED) => async (tx: Queryable) => {
  await tx.query("INSERT INTO effects (note) VALUES ('charged')");
  return response;
};

describe('fingerprint', () => {
  it('ignores object key order and whitespace but not values', () => {
    const a = fingerprint('POST', '/payments', JSON.parse('{"amount":1,"currency":"EUR"}'));
    const b = fingerprint('post', '/payments', JSON.parse('{ "currency": "EUR", "amount": 1 }'));
    expect(a).toBe(b);
    expect(fingerprint('POST', '/payments', { amount: 2, currency: 'EUR' })).not.toBe(a);
  });

  it('covers the method, the path and array order', () => {
    const base = fingerprint('POST', '/payments', { items: [1, 2] });
    expect(fingerprint('PATCH', '/payments', { items: [1, 2] })).not.toBe(base);
    expect(fingerprint('POST', '/refunds', { items: [1, 2] })).not.toBe(base);
    expect(fingerprint('POST', '/payments?dry=1', { items: [1, 2] })).not.toBe(base);
    expect(fingerprint('POST', '/payments', { items: [2, 1] })).not.toBe(base);
  });

  it('sorts nested keys by UTF-16 code unit, as RFC 8785 does', () => {
    expect(canonicalJson({ b: { d: 1, c: [{ z: null, a: true }] }, a: 'x', é: 1, Z: 2 }))
      .toBe('{"Z":2,"a":"x","b":{"c":[{"a":true,"z":null}],"d":1},"é":1}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

// One session (PGlite): everything but the races.
describe('on PGlite', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  describe('claimKey', () => {
    it('gives a new key to the first request, and the lease time left to the next', async () => {
      await owned(db());
      await elapse(db(), 10_000);
      expect(await claimKey(db(), ref(), opts())).toEqual({ kind: 'in-flight', retryAfterSeconds: 20 });
    });

    it('reports a mismatch when the key comes back with another request', async () => {
      await owned(db());
      const other = ref({ fingerprint: fingerprint('POST', '/payments', { amount: 2 }) });
      expect(await claimKey(db(), other, opts())).toEqual({ kind: 'mismatch' });
    });

    it('replays the stored status, headers and body once completed', async () => {
      const token = await owned(db());
      await completeKey(db(), ref(), token, effect());
      expect(await claimKey(db(), ref(), opts())).toEqual({ kind: 'replay', response: CREATED });
      expect(await effects(db())).toBe(1);
    });

    it('scopes keys per tenant', async () => {
      await owned(db(), ref({ tenant: 'acct_a' }));
      expect((await claimKey(db(), ref({ tenant: 'acct_b' }), opts())).kind).toBe('owned');
    });

    it('forgets a key at its expiry, even for a different request', async () => {
      await completeKey(db(), ref(), await owned(db()), effect());
      await elapse(db(), TTL - 1000);
      expect((await claimKey(db(), ref(), opts())).kind).toBe('replay');
      await elapse(db(), 1000);
      const other = ref({ fingerprint: fingerprint('POST', '/payments', { amount: 2 }) });
      expect((await claimKey(db(), other, opts())).kind).toBe('owned');
    });

    it('lets the same request take over a lease that ran out, and fences the old owner', async () => {
      const first = await owned(db());
      await elapse(db(), LEASE);
      const second = await owned(db());
      expect(second).not.toBe(first);
      await expect(completeKey(db(), ref(), first, effect())).rejects.toThrow(LeaseLostError);
      expect(await effects(db())).toBe(0); // the old owner's effect rolled back
      await completeKey(db(), ref(), second, effect());
      expect(await effects(db())).toBe(1);
    });

    it('does not let a different request take over a stale lease', async () => {
      await owned(db());
      await elapse(db(), LEASE);
      const other = ref({ fingerprint: fingerprint('POST', '/payments', { amount: 2 }) });
      expect(await claimKey(db(), other, opts())).toEqual({ kind: 'mismatch' });
    });

    it('rejects bad keys and bad timings before touching the database', async () => {
      await expect(claimKey(db(), ref({ key: '' }), opts())).rejects.toThrow(TypeError);
      await expect(claimKey(db(), ref({ key: 'x'.repeat(256) }), opts())).rejects.toThrow(TypeError);
      await expect(claimKey(db(), ref(), { ...opts(), leaseMs: 10 })).rejects.toThrow(RangeError);
      await expect(claimKey(db(), ref(), { ...opts(), ttlMs: LEASE })).rejects.toThrow(RangeError);
    });
  });

  describe('completeKey and releaseKey', () => {
    it('rolls back the side effect and keeps the key in flight when the work throws', async () => {
      const token = await owned(db());
      await expect(completeKey(db(), ref(), token, async (tx) => {
        await tx.query("INSERT INTO effects (note) VALUES ('half done')");
        throw new Error('card network down');
      })).rejects.toThrow('card network down');
      expect(await effects(db())).toBe(0);
      expect((await claimKey(db(), ref(), opts())).kind).toBe('in-flight');
    });

    it('frees only the caller\'s own claim', async () => {
      const token = await owned(db());
      await releaseKey(db(), ref(), '00000000-0000-4000-8000-999999999999');
      expect((await claimKey(db(), ref(), opts())).kind).toBe('in-flight');
      await releaseKey(db(), ref(), token);
      expect((await claimKey(db(), ref(), opts())).kind).toBe('owned');
    });

    it('cannot complete a key twice', async () => {
      const token = await owned(db());
      await completeKey(db(), ref(), token, effect());
      await expect(completeKey(db(), ref(), token, effect())).rejects.toThrow(LeaseLostError);
      expect(await effects(db())).toBe(1);
    });
  });

  describe('purgeExpired', () => {
    it('deletes keys at or past their expiry and nothing else', async () => {
      await completeKey(db(), ref(), await owned(db()), effect());
      // Expiry is checked against the database's real clock, so each step
      // leaves 5 s for a slow machine: k-2 is 10 s younger than k-1.
      await elapse(db(), 10_000);
      await owned(db(), ref({ key: 'k-2' }));
      await elapse(db(), TTL - 10_000 - 5_000);
      expect(await purgeExpired(db())).toBe(0);
      await elapse(db(), 5_000);
      expect(await purgeExpired(db())).toBe(1);
      expect((await db().query('SELECT key FROM idempotency_keys')).rows).toEqual([{ key: 'k-2' }]);
    });
  });
});

// Several sessions at once (a real server): the races PGlite cannot run.
describe('on a PostgreSQL server, with concurrent sessions', () => {
  const { db: pg } = useServerDatabase(SCHEMA,
    { connections: 12, reset: RESET });
  afterEach(() => { vi.useRealTimers(); });

  it('lets exactly one of ten concurrent claims own the key', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimKey(pg(), ref(), opts())));
    expect(claims.filter((c) => c.kind === 'owned')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in-flight')).toHaveLength(9);
  });

  it('answers a retry at once while a lapsed owner is still committing, then replays its result', async () => {
    const first = await owned(pg());
    await elapse(pg(), LEASE); // the owner is slow, not dead: its lease has lapsed
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let working!: () => void;
    const inWork = new Promise<void>((resolve) => { working = resolve; });
    const completing = completeKey(pg(), ref(), first, async (tx) => {
      working(); // past the fence, holding the row lock
      await gate;
      return effect()(tx);
    });
    try {
      await Promise.race([inWork, completing]);
      const retry = claimKey(pg(), ref(), opts());
      // Not a takeover (the owner's lock fences it off), and not a wait
      // that would hold a connection per retry until the owner commits.
      expect(await waitsForLock(pg(), retry)).toEqual([]);
      expect(await retry).toEqual({ kind: 'in-flight', retryAfterSeconds: 1 });
      release();
      await completing;
      expect(await claimKey(pg(), ref(), opts())).toEqual({ kind: 'replay', response: CREATED });
    } finally {
      release();
      await completing.catch(() => {});
    }
    expect(await effects(pg())).toBe(1);
  });

  it('keeps a live lease from an app server whose clock runs a minute ahead', async () => {
    await owned(pg());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000); // twice the lease, on this machine only
    const skewed = await claimKey(pg(), ref(), opts());
    expect(skewed.kind).toBe('in-flight');
  });
});
