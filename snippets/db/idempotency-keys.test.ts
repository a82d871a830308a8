import type { PGlite } from '@electric-sql/pglite';
import { openDatabase } from './database.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  canonicalJson, claimKey, completeKey, fingerprint, IDEMPOTENCY_SCHEMA,
  LeaseLostError, purgeExpired, releaseKey, type ClaimOptions, type KeyRef,
  type StoredResponse,
} from './idempotency-keys.ts';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 30_000;
const TTL = 86_400_000;
const CREATED: StoredResponse = {
  status: 201, headers: { Location: '/payments/pay_1' }, body: '{"id":"pay_1"}',
};

let db: PGlite;
let clock: number;
let tokens: number;
const opts = (): ClaimOptions => ({
  now: () => clock, ttlMs: TTL, leaseMs: LEASE,
  newToken: () => `00000000-0000-4000-8000-${String(++tokens).padStart(12, '0')}`,
});
const ref = (over: Partial<KeyRef> = {}): KeyRef => ({
  tenant: 'acct_a', key: 'k-1', fingerprint: fingerprint('POST', '/payments', { amount: 1 }),
  ...over,
});

beforeAll(async () => {
  db = await openDatabase();
  await db.exec(IDEMPOTENCY_SCHEMA);
  await db.exec('CREATE TABLE effects (id serial PRIMARY KEY, note text NOT NULL)');
}, 60_000); // PGlite boots a real PostgreSQL: seconds on a busy CI runner
afterAll(async () => { await db.close(); });
beforeEach(async () => {
  await db.exec('TRUNCATE idempotency_keys, effects');
  clock = T0;
  tokens = 0;
});

async function owned(r = ref()): Promise<string> {
  const claim = await claimKey(db, r, opts());
  if (claim.kind !== 'owned') throw new Error(`expected owned, got ${claim.kind}`);
  return claim.token;
}
const effects = async () =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM effects')).rows[0]?.n;
const effect = (response = CREATED) => async (tx: Parameters<Parameters<typeof completeKey>[3]>[0]) => {
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

describe('claimKey', () => {
  it('gives a new key to the first request and 409-style in-flight to the next', async () => {
    await owned();
    clock += 10_000;
    expect(await claimKey(db, ref(), opts())).toEqual({ kind: 'in-flight', retryAfterSeconds: 20 });
  });

  it('lets exactly one of many concurrent claims own the key', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimKey(db, ref(), opts())));
    expect(claims.filter((c) => c.kind === 'owned')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in-flight')).toHaveLength(9);
  });

  it('reports a mismatch when the key comes back with another request', async () => {
    await owned();
    const other = ref({ fingerprint: fingerprint('POST', '/payments', { amount: 2 }) });
    expect(await claimKey(db, other, opts())).toEqual({ kind: 'mismatch' });
  });

  it('replays the stored status, headers and body once completed', async () => {
    const token = await owned();
    await completeKey(db, ref(), token, effect());
    expect(await claimKey(db, ref(), opts())).toEqual({ kind: 'replay', response: CREATED });
    expect(await effects()).toBe(1);
  });

  it('scopes keys per tenant', async () => {
    await owned(ref({ tenant: 'acct_a' }));
    expect((await claimKey(db, ref({ tenant: 'acct_b' }), opts())).kind).toBe('owned');
  });

  it('forgets a key at its expiry, even for a different request', async () => {
    await completeKey(db, ref(), await owned(), effect());
    clock = T0 + TTL - 1;
    expect((await claimKey(db, ref(), opts())).kind).toBe('replay');
    clock = T0 + TTL;
    const other = ref({ fingerprint: fingerprint('POST', '/payments', { amount: 2 }) });
    expect((await claimKey(db, other, opts())).kind).toBe('owned');
  });

  it('lets the same request take over a lease that ran out, and fences the old owner', async () => {
    const first = await owned();
    clock += LEASE;
    const second = await owned();
    expect(second).not.toBe(first);
    await expect(completeKey(db, ref(), first, effect())).rejects.toThrow(LeaseLostError);
    expect(await effects()).toBe(0); // the old owner's effect rolled back
    await completeKey(db, ref(), second, effect());
    expect(await effects()).toBe(1);
  });

  it('does not let a different request take over a stale lease', async () => {
    await owned();
    clock += LEASE;
    const other = ref({ fingerprint: fingerprint('POST', '/payments', { amount: 2 }) });
    expect(await claimKey(db, other, opts())).toEqual({ kind: 'mismatch' });
  });

  it('rejects bad keys and bad timings before touching the database', async () => {
    await expect(claimKey(db, ref({ key: '' }), opts())).rejects.toThrow(TypeError);
    await expect(claimKey(db, ref({ key: 'x'.repeat(256) }), opts())).rejects.toThrow(TypeError);
    await expect(claimKey(db, ref(), { ...opts(), leaseMs: 10 })).rejects.toThrow(RangeError);
    await expect(claimKey(db, ref(), { ...opts(), ttlMs: LEASE })).rejects.toThrow(RangeError);
  });
});

describe('completeKey and releaseKey', () => {
  it('rolls back the side effect and keeps the key in flight when the work throws', async () => {
    const token = await owned();
    await expect(completeKey(db, ref(), token, async (tx) => {
      await tx.query("INSERT INTO effects (note) VALUES ('half done')");
      throw new Error('card network down');
    })).rejects.toThrow('card network down');
    expect(await effects()).toBe(0);
    expect((await claimKey(db, ref(), opts())).kind).toBe('in-flight');
  });

  it('frees only the caller\'s own claim', async () => {
    const token = await owned();
    await releaseKey(db, ref(), '00000000-0000-4000-8000-999999999999');
    expect((await claimKey(db, ref(), opts())).kind).toBe('in-flight');
    await releaseKey(db, ref(), token);
    expect((await claimKey(db, ref(), opts())).kind).toBe('owned');
  });

  it('cannot complete a key twice', async () => {
    const token = await owned();
    await completeKey(db, ref(), token, effect());
    await expect(completeKey(db, ref(), token, effect())).rejects.toThrow(LeaseLostError);
    expect(await effects()).toBe(1);
  });
});

describe('purgeExpired', () => {
  it('deletes keys at or past their expiry and nothing else', async () => {
    await completeKey(db, ref(), await owned(), effect());
    clock += 1000;
    await owned(ref({ key: 'k-2' }));
    expect(await purgeExpired(db, T0 + TTL - 1)).toBe(0);
    expect(await purgeExpired(db, T0 + TTL)).toBe(1);
    expect((await claimKey(db, ref({ key: 'k-2' }), opts())).kind).toBe('in-flight');
  });
});
