import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bodyOrProblem, createTransferApp, DEFAULT_MAX_BYTES, MAX_DEPTH, MAX_ERRORS, readJsonBody, transferInput,
} from './json-body.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

const valid = {
  accountId: '9223372036854775807',
  amountCents: 1250,
  currency: 'EUR',
  executeAt: '2025-03-01T09:30:00+01:00',
};

function setup() {
  const issued: bigint[] = [];
  let seq = 2n ** 53n;
  const app = createTransferApp(() => {
    seq += 1n;
    issued.push(seq);
    return seq;
  });
  return { app, issued };
}

type Body = NonNullable<RequestInit['body']>;

function post(body: Body, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  const { app, issued } = setup();
  return { issued, response: app.request('/transfers', { method: 'POST', body, headers }) };
}

async function rejected(body: Body, status: number, headers?: Record<string, string>) {
  const { issued, response } = post(body, headers);
  const res = await response;
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const problem = (await res.json()) as Problem;
  expect(problem).toMatchObject({ type: 'about:blank', status });
  expect(problem.title).toEqual(expect.any(String));
  expect(problem.detail).toEqual(expect.any(String));
  expect(issued, 'a rejected body must create nothing').toEqual([]);
  return problem;
}

const withField = (field: string, raw: string) =>
  JSON.stringify(valid).replace(new RegExp(`"${field}":("[^"]*"|[^,}]*)`), `"${field}":${raw}`);

describe('a valid body', () => {
  it('is created with a string id, integer cents and a UTC ISO 8601 date', async () => {
    const { response, issued } = post(JSON.stringify(valid));
    const res = await response;
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/transfers/9007199254740993');
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      id: '9007199254740993',
      accountId: '9223372036854775807',
      amountCents: 1250,
      currency: 'EUR',
      executeAt: '2025-03-01T08:30:00.000Z',
    });
    expect(issued).toEqual([2n ** 53n + 1n]);
  });

  it('keeps the 64-bit id exact because it stayed a string end to end', async () => {
    const res = await post(JSON.stringify(valid)).response;
    const text = await res.text();
    expect(text).toContain('"accountId":"9223372036854775807"');
    expect(BigInt((JSON.parse(text) as { id: string }).id)).toBe(2n ** 53n + 1n);
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; charset="UTF-8"',
  ])('accepts Content-Type: %s', async (type) => {
    expect((await post(JSON.stringify(valid), { 'Content-Type': type }).response).status).toBe(201);
  });

  it('ignores a UTF-8 byte order mark, as RFC 8259 §8.1 allows', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify(valid))]);
    expect((await post(bytes).response).status).toBe(201);
  });

  it('accepts a body of exactly the limit', async () => {
    const json = JSON.stringify(valid);
    const request = new Request('http://api.test/', {
      method: 'POST', body: json, headers: { 'Content-Type': 'application/json' },
    });
    const result = await readJsonBody(request, transferInput, new TextEncoder().encode(json).byteLength);
    expect(result.ok).toBe(true);
  });
});

describe('415: the wrong media type', () => {
  it.each([
    ['no Content-Type', {}],
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['a form', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['another JSON type', { 'Content-Type': 'application/merge-patch+json' }],
    ['a non-UTF-8 charset', { 'Content-Type': 'application/json; charset=iso-8859-1' }],
    ['a prefix trick', { 'Content-Type': 'application/jsonx' }],
  ])('%s', async (_name, headers) => {
    const { response } = post(JSON.stringify(valid), headers);
    const res = await response;
    expect(res.status).toBe(415);
    // Says what would work; Accept-Encoding is only for a coding problem.
    expect(res.headers.get('Accept')).toBe('application/json');
    expect(res.headers.has('Accept-Encoding')).toBe(false);
    const problem = await rejected(JSON.stringify(valid), 415, headers);
    expect(problem.title).toBe('Unsupported Media Type');
  });

  it.each(['gzip', 'br', 'deflate, gzip'])('a %s-coded body, with Accept-Encoding: identity (§12.5.3)', async (coding) => {
    // Nothing here decompresses: the bytes would fail as "not UTF-8".
    const headers = { 'Content-Type': 'application/json', 'Content-Encoding': coding };
    const res = await post(JSON.stringify(valid), headers).response;
    expect(res.status).toBe(415);
    expect(res.headers.get('Accept-Encoding')).toBe('identity');
    expect(((await res.json()) as Problem).detail).toMatch(/Content-Encoding/);
    await rejected(JSON.stringify(valid), 415, headers);
  });

  it('accepts Content-Encoding: identity, which means no coding', async () => {
    const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'identity' };
    expect((await post(JSON.stringify(valid), headers).response).status).toBe(201);
  });
});

describe('400: bytes that are not one exact JSON value', () => {
  it.each([
    ['truncated JSON', '{"accountId":"1","amountCents":'],
    ['an empty body', ''],
    ['a trailing comma', JSON.stringify(valid).replace('}', ',}')],
    ['single quotes', "{'accountId':'1'}"],
    ['NaN', withField('amountCents', 'NaN')],
  ])('%s', async (_name, body) => {
    expect((await rejected(body, 400)).title).toBe('Bad Request');
  });

  it('without quoting the body back in the error', async () => {
    const problem = await rejected('{"password":"hunter2" "plan":1}', 400);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(problem.detail).toMatch(/^Not valid JSON/);
  });

  it('invalid UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]); // {"\xff":1}
    expect((await rejected(bytes, 400)).detail).toBe('The body is not valid UTF-8.');
  });

  it('a duplicate key, rather than silently taking the last value', async () => {
    const body = JSON.stringify(valid).replace('{', '{"amountCents":999999,');
    const problem = await rejected(body, 400);
    expect(problem.detail).toContain('/amountCents');
  });

  it('an id sent as a number past 2^53, which JSON.parse would round', async () => {
    const problem = await rejected(withField('accountId', '9007199254740993'), 400);
    expect(problem.detail).toContain('9007199254740993 would be rounded to 9007199254740992');
  });

  it('an integer literal past 2^53 in any field', async () => {
    expect((await rejected(withField('amountCents', '12345678901234567890'), 400)).detail)
      .toContain('as strings');
  });

  it('a number that overflows a double', async () => {
    await rejected(withField('amountCents', '1e400'), 400);
  });

  it(`nesting deeper than ${MAX_DEPTH} levels, even when the JSON is valid`, async () => {
    // 10,000 levels fit in the byte cap and would overflow the parser's stack.
    for (const depth of [MAX_DEPTH + 1, 10_000]) {
      const body = '['.repeat(depth) + ']'.repeat(depth);
      const problem = await rejected(body, 400);
      expect(problem.detail).toBe(`The body nests deeper than ${MAX_DEPTH} levels.`);
    }
  });

  it('nesting after a string that ends in an escaped backslash', async () => {
    // "\\" is one backslash, so the next quote closes the string and the
    // brackets after it count.
    const deep = '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1);
    const problem = await rejected(`{"s":"\\\\","t":${deep}}`, 400);
    expect(problem.detail).toBe(`The body nests deeper than ${MAX_DEPTH} levels.`);
  });

  it(`but ${MAX_DEPTH} levels, and brackets inside strings, are fine`, async () => {
    const read = (body: string) => readJsonBody(new Request('http://api.test/', {
      method: 'POST', body, headers: { 'Content-Type': 'application/json' } }), z.unknown());
    const deep = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
    expect((await read(deep)).ok).toBe(true);
    expect((await read(JSON.stringify({ s: '[{'.repeat(500) }))).ok).toBe(true);
    // An escaped quote does not end the string: the brackets after it are text.
    expect((await read(JSON.stringify({ s: `"${'['.repeat(500)}` }))).ok).toBe(true);
  });
});

describe('413: a huge body', () => {
  const big = `{"pad":"${'x'.repeat(DEFAULT_MAX_BYTES)}"}`;

  it('is refused once the byte count passes the limit', async () => {
    const problem = await rejected(big, 413);
    expect(problem.title).toBe('Content Too Large');
  });

  it('is refused from Content-Length alone, before a byte is read', async () => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled = true;
        controller.enqueue(new Uint8Array(1024));
      },
    }, { highWaterMark: 0 }); // no eager pull: only a reader pulls
    const request = new Request('http://api.test/', {
      method: 'POST', body: stream, duplex: 'half',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) },
    } as RequestInit);
    const result = await readJsonBody(request, transferInput);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(413);
    expect(pulled).toBe(false);
    expect(request.bodyUsed).toBe(false);
  });

  it('is refused when Content-Length lies, because bytes are counted', async () => {
    await rejected(big, 413, { 'Content-Type': 'application/json', 'Content-Length': '10' });
  });

  it('stops reading a chunked stream at the limit', async () => {
    let chunks = 0;
    // 3 MB, not endless: without the cap this fails instead of hanging.
    const long = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunks += 1;
        if (chunks > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode('[1,'.repeat(1000)));
      },
    });
    const request = new Request('http://api.test/', {
      method: 'POST', body: long, duplex: 'half', headers: { 'Content-Type': 'application/json' },
    } as RequestInit);
    const result = await readJsonBody(request, z.unknown(), 10_000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(413);
    expect(chunks).toBeLessThan(10);
  });

  it('respects a smaller limit per route', async () => {
    const request = new Request('http://api.test/', {
      method: 'POST', body: JSON.stringify(valid), headers: { 'Content-Type': 'application/json' },
    });
    const result = await readJsonBody(request, transferInput, 50);
    expect(result.ok ? 200 : result.response.status).toBe(413);
  });
});

describe('422: valid JSON that breaks the schema', () => {
  async function pointers(body: string) {
    const problem = await rejected(body, 422);
    expect(problem.title).toBe('Unprocessable Content');
    return (problem.errors ?? []).map((e) => e.pointer).sort();
  }

  it.each([
    ['February 30', '2025-02-30T09:30:00Z'],
    ['February 29 in a common year', '2025-02-29T09:30:00Z'],
    ['no offset', '2025-03-01T09:30:00'],
    ['a space instead of T', '2025-03-01 09:30:00Z'],
    ['hour 24', '2025-03-01T24:00:00Z'],
    ['no seconds', '2025-03-01T09:30+01:00'],
    ['a date only', '2025-03-01'],
    ['a Unix timestamp', 1740817800],
  ])('rejects %s as executeAt', async (_name, executeAt) => {
    expect(await pointers(JSON.stringify({ ...valid, executeAt }))).toEqual(['#/executeAt']);
  });

  it('where new Date() would quietly roll February 30 into March', () => {
    expect(new Date('2025-02-30T00:00:00Z').toISOString()).toBe('2025-03-02T00:00:00.000Z');
    expect(transferInput.safeParse({ ...valid, executeAt: '2025-02-30T00:00:00Z' }).success).toBe(false);
  });

  it('accepts February 29 in a leap year', () => {
    expect(transferInput.safeParse({ ...valid, executeAt: '2024-02-29T00:00:00Z' }).success).toBe(true);
  });

  it.each([
    ['fractional cents', 12.5],
    ['zero', 0],
    ['a negative amount', -5],
    ['a numeric string', '1250'],
  ])('rejects %s as amountCents', async (_name, amountCents) => {
    expect(await pointers(JSON.stringify({ ...valid, amountCents }))).toEqual(['#/amountCents']);
  });

  it('catches 2^53 + 1 written as a float, which the parser lets through', async () => {
    // Not an integer literal, so strict-json passes it on (rounded);
    // z.int() is bounded to ±(2^53 - 1), so the schema is the second net.
    expect(await pointers(withField('amountCents', '9007199254740993.0'))).toEqual(['#/amountCents']);
  });

  it.each([
    ['as a number that is safe', 42],
    ['with a leading zero', '0042'],
    ['past 2^63 - 1', '9223372036854775808'],
    ['empty', ''],
  ])('rejects an accountId %s', async (_name, accountId) => {
    expect(await pointers(JSON.stringify({ ...valid, accountId }))).toEqual(['#/accountId']);
  });

  it('treats __proto__ as an unknown field, polluting nothing', async () => {
    const body = JSON.stringify(valid).replace('{', '{"__proto__":{"approved":true},');
    const problem = await rejected(body, 422);
    expect(JSON.stringify(problem.errors)).toContain('__proto__');
    expect(({} as Record<string, unknown>).approved).toBeUndefined();
    // Sent twice, it is a duplicate like any other key.
    await rejected(body.replace('{', '{"__proto__":1,'), 400);
  });

  it('rejects unknown fields instead of ignoring them', async () => {
    const problem = await rejected(JSON.stringify({ ...valid, approved: true }), 422);
    expect(JSON.stringify(problem.errors)).toContain('approved');
  });

  it('reports every failing field at once', async () => {
    const body = JSON.stringify({ ...valid, amountCents: 1.5, currency: 'XXX', executeAt: 'soon' });
    expect(await pointers(body)).toEqual(['#/amountCents', '#/currency', '#/executeAt']);
  });

  it('rejects JSON that is not an object', async () => {
    expect(await pointers('[1,2]')).toEqual(['#']);
  });
});

describe('422: the answer stays small whatever the body', () => {
  const read = (body: string, schema: z.ZodType) => readJsonBody(new Request('http://api.test/', {
    method: 'POST', body, headers: { 'Content-Type': 'application/json' } }), schema);

  it(`lists at most ${MAX_ERRORS} errors and says how many there were`, async () => {
    // 30,000 wrong items fit in 64 KB; one error each would be a 2.4 MB 422.
    const body = `[${Array(30_000).fill('1').join(',')}]`;
    const result = await read(body, z.array(z.string()));
    if (result.ok) throw new Error('expected a 422');
    const text = await result.response.text();
    expect(text.length).toBeLessThan(4096);
    const problem = JSON.parse(text) as Problem;
    expect(problem.errors).toHaveLength(MAX_ERRORS);
    expect(problem.detail).toBe(`The body failed validation: 30000 problems, the first ${MAX_ERRORS} listed.`);
  });

  it('clips what it quotes: a huge unknown key comes back short', async () => {
    const key = 'k'.repeat(50_000);
    const result = await read(JSON.stringify({ [key]: 1 }), z.strictObject({}));
    if (result.ok) throw new Error('expected a 422');
    expect((await result.response.text()).length).toBeLessThan(1024);
  });

  it('points at the parent when a key is too long to quote', async () => {
    const key = 'é'.repeat(20_000); // 6 characters each once percent-encoded
    const result = await read(JSON.stringify({ a: { [key]: 1 } }),
      z.object({ a: z.record(z.string(), z.string()) }));
    if (result.ok) throw new Error('expected a 422');
    const problem = (await result.response.json()) as Problem;
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['#/a']);
  });
});

describe('the output side (what JSON.stringify does with values JSON lacks)', () => {
  it('throws on a BigInt, drops undefined and writes a Date as UTC ISO 8601', () => {
    expect(() => JSON.stringify({ id: 2n ** 63n - 1n })).toThrow(TypeError);
    expect(JSON.stringify({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(JSON.stringify({ at: new Date('2025-03-01T09:30:00+01:00') })).toBe('{"at":"2025-03-01T08:30:00.000Z"}');
  });
});

describe('bodyOrProblem', () => {
  const schema = z.strictObject({ title: z.string().min(1) });
  const post = (body: string, type = 'application/json') =>
    new Request('http://x/', { method: 'POST', body, headers: { 'Content-Type': type } });

  it('returns the validated body itself', async () => {
    expect(await bodyOrProblem(post('{"title":"a"}'), schema)).toEqual({ title: 'a' });
  });

  it.each([
    ['{"title":""}', 'application/json', 422],
    ['{"title":', 'application/json', 400],
    ['{"title":"a"}', 'text/plain', 415],
  ])('returns the problem response for %j as %s: %i', async (body, type, status) => {
    const result = await bodyOrProblem(post(body, type), schema);
    expect(result).toBeInstanceOf(Response);
    expect((result as Response).status).toBe(status);
  });

  it('applies the byte limit it is given', async () => {
    const result = await bodyOrProblem(post(`{"title":"${'a'.repeat(100)}"}`), schema, 50);
    expect((result as Response).status).toBe(413);
  });
});
