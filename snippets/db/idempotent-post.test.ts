import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROBLEM_JSON } from '../http/problem.ts';
import { claimKey, fingerprint, type Db, type Queryable } from './idempotency-keys.ts';
import {
  createPaymentsApp, idempotent, parseIdempotencyKey, PAYMENTS_SCHEMA,
} from './idempotent-post.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const DAY = 86_400_000;
const KEY = '8e03978e-40d5-43e8-bc93-6894a57f9324';
const BODY = { amount_cents: 1200, currency: 'EUR' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const RESET = 'TRUNCATE idempotency_keys, payments';

const db = useDatabase(PAYMENTS_SCHEMA, { reset: RESET });
let tokens: number;
const newToken = () => `00000000-0000-4000-8000-${String(++tokens).padStart(12, '0')}`;
const deps = (on: Db = db()) => ({
  db: on, newToken,
  tenantOf: (c: { req: { header(name: string): string | undefined } }) =>
    c.req.header('X-Account') ?? 'acct_a',
});

beforeEach(() => { tokens = 0; });

async function post(app: Hono, body: unknown = BODY,
  headers: Record<string, string> = { 'Idempotency-Key': `"${KEY}"` }): Promise<Response> {
  return app.request('/payments', {
    method: 'POST', headers: { ...JSON_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const payments = async (on: Queryable = db()) =>
  (await on.query<{ n: number }>('SELECT count(*)::int AS n FROM payments')).rows[0]?.n;
/** Moves every deadline back: time passing, as the database's clock sees it. */
const elapse = (ms: number) => db().query(`UPDATE idempotency_keys SET
  locked_until = locked_until - $1 * interval '1 ms',
  expires_at = expires_at - $1 * interval '1 ms'`, [ms]);

describe('parseIdempotencyKey', () => {
  it('accepts the draft\'s quoted sf-string and a bare token', () => {
    expect(parseIdempotencyKey(`"${KEY}"`)).toBe(KEY);
    expect(parseIdempotencyKey('KG5LxwFBepaKHyUD')).toBe('KG5LxwFBepaKHyUD');
    expect(parseIdempotencyKey('x'.repeat(255))).toBe('x'.repeat(255));
  });

  it.each([
    ['missing', undefined], ['empty', ''], ['empty string', '""'],
    ['unbalanced quote', '"abc'], ['too long', 'x'.repeat(256)],
    ['two keys (a repeated header)', '"a", "b"'], ['inner space', 'a b'],
    ['SQL', "k'; DROP TABLE payments;--"], ['control character', 'a\u0000b'],
  ])('rejects %s', (_, value) => {
    expect(parseIdempotencyKey(value)).toBeUndefined();
  });
});

describe('POST /payments with Idempotency-Key', () => {
  it('creates the payment once and replays status, headers and body to a retry', async () => {
    const app = createPaymentsApp(deps());
    const first = await post(app);
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const retry = await post(app);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.headers.get('Location')).toBe(first.headers.get('Location'));
    expect(await retry.text()).toBe(await first.text());
    expect(await payments()).toBe(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const app = createPaymentsApp(deps());
    await post(app, '{"amount_cents":1200,"currency":"EUR"}');
    const retry = await post(app, '{ "currency": "EUR", "amount_cents": 1200 }');
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await payments()).toBe(1);
  });

  it('answers 409 with Retry-After while another request holds the key', async () => {
    const app = createPaymentsApp(deps());
    const ref = { tenant: 'acct_a', key: KEY, fingerprint: fingerprint('POST', '/payments', BODY) };
    await claimKey(db(), ref, { newToken, ttlMs: DAY, leaseMs: 30_000 });
    await elapse(5_000);
    const res = await post(app);
    expect(res.status).toBe(409);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(res.headers.get('Retry-After')).toBe('25');
    expect(await res.json()).toMatchObject({ status: 409, type: expect.stringMatching(/request-in-flight$/) });
    expect(await payments()).toBe(0);
  });

  it('answers 422 when the key is reused with a different body', async () => {
    const app = createPaymentsApp(deps());
    await post(app);
    const res = await post(app, { ...BODY, amount_cents: 9900 });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ status: 422, type: expect.stringMatching(/idempotency-key-reused$/) });
    expect(await payments()).toBe(1);
  });

  it('answers 400 problem+json without a key and never runs the handler', async () => {
    const app = createPaymentsApp(deps());
    const cases: Record<string, string>[] = [
      {}, { 'Idempotency-Key': '' }, { 'Idempotency-Key': '"a", "b"' }];
    for (const headers of cases) {
      const res = await post(app, BODY, headers);
      expect(res.status).toBe(400);
      expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    }
    expect(await payments()).toBe(0);
  });

  it('does not burn the key on an invalid body, so the corrected retry goes through', async () => {
    const app = createPaymentsApp(deps());
    expect((await post(app, '{"amount_cents": 12')).status).toBe(400); // not JSON
    expect((await post(app, { ...BODY, currency: 'XXX' })).status).toBe(422);
    expect((await post(app, { ...BODY, extra: true })).status).toBe(422);
    expect((await post(app, BODY, { 'Idempotency-Key': KEY, 'Content-Type': 'text/plain' }))
      .status).toBe(415);
    const fixed = await post(app);
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('keeps keys apart per tenant', async () => {
    const app = createPaymentsApp(deps());
    const key = { 'Idempotency-Key': KEY };
    expect((await post(app, BODY, { ...key, 'X-Account': 'acct_a' })).status).toBe(201);
    const other = await post(app, BODY, { ...key, 'X-Account': 'acct_b' });
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await payments()).toBe(2);
  });

  it('runs the request again once the key has expired', async () => {
    const app = createPaymentsApp(deps());
    await post(app);
    await elapse(DAY - 1000);
    expect((await post(app)).headers.get('Idempotent-Replayed')).toBe('true');
    await elapse(1000);
    expect((await post(app)).headers.get('Idempotent-Replayed')).toBeNull();
    expect(await payments()).toBe(2);
  });
});

describe('the request body', () => {
  it('refuses a body over 64 KiB with 413, before the key is claimed, even when it is valid JSON', async () => {
    const app = createPaymentsApp(deps());
    const padded = `{"amount_cents": 1200, "currency": "EUR"${' '.repeat(2 * 1024 * 1024)}}`;
    const res = await post(app, padded);
    expect(res.status).toBe(413);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(await payments()).toBe(0);
    expect((await post(app)).headers.get('Idempotent-Replayed')).toBeNull(); // key still free
  });

  it('counts the bytes it reads when Content-Length is missing, and stops reading', async () => {
    const app = createPaymentsApp(deps());
    let pulled = 0;
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 4 MiB stands for "endless": a reader without the cap reads it all,
        // fails on the JSON and answers 400, fast, instead of running on.
        if (pulled === 256) return controller.close();
        controller.enqueue(pulled++ === 0 ? new TextEncoder().encode('{"amount_cents": 1200') : chunk);
      },
    });
    const res = await app.request(new Request('http://api.test/payments', {
      method: 'POST', body: endless, duplex: 'half',
      headers: { 'Idempotency-Key': `"${KEY}"`, 'Content-Type': 'application/json' },
    } as RequestInit));
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(10); // 64 KiB is four 16 KiB chunks, not the whole stream
  });

  it('answers 413 from a declared Content-Length alone, without reading the body', async () => {
    const app = createPaymentsApp(deps());
    const res = await post(app, BODY, {
      'Idempotency-Key': `"${KEY}"`, 'Content-Length': String(10 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
  });
});

describe('idempotent() when the work fails', () => {
  it('rolls back, frees the key and lets the retry do the work once', async () => {
    let failNext = true;
    const app = new Hono();
    app.post('/payments', idempotent({ ...deps(), schema: z.object({ amount_cents: z.number() }) },
      async ({ tx, input, tenant }) => {
        await tx.query("INSERT INTO payments (tenant_id, amount_cents, currency) VALUES ($1, $2, 'EUR')",
          [tenant, input.amount_cents]);
        if (failNext) { failNext = false; throw new Error('ledger unavailable'); }
        return { status: 201, headers: {}, body: '{}' };
      }));
    app.onError((_, c) => c.body(null, 500));
    expect((await post(app)).status).toBe(500);
    expect(await payments()).toBe(0);
    const retry = await post(app);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await payments()).toBe(1);
  });

  it('stores and replays a non-2xx result the handler chose to return', async () => {
    let calls = 0;
    const app = new Hono();
    app.post('/payments', idempotent({ ...deps(), schema: z.object({ amount_cents: z.number() }) },
      async () => {
        calls++;
        return { status: 402, headers: { 'Content-Type': PROBLEM_JSON }, body: '{"title":"Card declined"}' };
      }));
    expect((await post(app)).status).toBe(402);
    const retry = await post(app);
    expect(retry.status).toBe(402);
    expect(await retry.json()).toEqual({ title: 'Card declined' });
    expect(calls).toBe(1);
  });
});

// Several sessions at once (a real server): PGlite would run them one by one.
describe('on a PostgreSQL server, with concurrent requests', () => {
  const { db: pg } = useServerDatabase(PAYMENTS_SCHEMA,
    { connections: 12, reset: RESET });

  it('creates one payment when ten duplicates arrive while the first is still running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let runs = 0;
    let ranTwice!: () => void;
    const twice = new Promise<void>((resolve) => { ranTwice = resolve; });
    const app = new Hono();
    app.post('/payments', idempotent({ ...deps(pg()), schema: z.object({ amount_cents: z.number() }) },
      async ({ tx, input, tenant }) => {
        if (++runs === 2) ranTwice();
        await tx.query("INSERT INTO payments (tenant_id, amount_cents, currency) VALUES ($1, $2, 'EUR')",
          [tenant, input.amount_cents]);
        await gate; // the first request is slow: the others arrive meanwhile
        return { status: 201, headers: {}, body: '{"id":"pay_1"}' };
      }));
    const all = Array.from({ length: 10 }, () => post(app));
    try {
      const settled: Response[] = [];
      // Nine answer while the first still holds its transaction open
      // (or, were the claim not atomic, a second copy starts the work).
      const nineAnswered = new Promise<void>((resolve) => {
        for (const p of all) void p.then((res) => { settled.push(res); if (settled.length === 9) resolve(); });
      });
      await Promise.race([nineAnswered, twice]);
      expect(runs).toBe(1);
      for (const res of settled) {
        expect(res.status).toBe(409);
        expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
      }
      release();
      const responses = await Promise.all(all);
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    } finally {
      release();
      await Promise.allSettled(all); // nothing left running when the pool ends
    }
    expect(runs).toBe(1);
    expect(await payments(pg())).toBe(1);
    const retry = await post(app);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
  });
});
