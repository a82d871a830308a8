import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ErrorLogEntry } from './error-middleware.ts';
import { PROBLEM_JSON } from './problem.ts';
import {
  createSignupApp, FIELD_CODES, fieldErrors, MAX_BODY_BYTES, MAX_DEPTH,
  MAX_FIELD_ERRORS, MAX_POINTER_LENGTH, type FieldError,
} from './validation-problem.ts';

describe('fieldErrors', () => {
  const schema = z.strictObject({
    name: z.string().min(2).max(5),
    age: z.number().int().min(0).max(150),
    email: z.email(),
    color: z.enum(['red', 'green']),
    tags: z.array(z.string()).min(1).max(2),
    items: z.array(z.object({ sku: z.string().regex(/^[A-Z]+$/) })),
    id: z.union([z.string(), z.number()]),
  });
  const valid = { name: 'Ann', age: 30, email: 'ann@example.com', color: 'red',
    tags: ['a'], items: [{ sku: 'ABC' }], id: 1 };

  function errorsFor(input: unknown): FieldError[] {
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    return fieldErrors(parsed.error!.issues, input);
  }
  const only = (input: unknown) => {
    const errors = errorsFor(input);
    expect(errors).toHaveLength(1);
    return errors[0]!;
  };

  it.each<[string, unknown, string, string]>([
    ['a missing string', { ...valid, name: undefined }, '#/name', 'required'],
    ['a missing enum', { ...valid, color: undefined }, '#/color', 'required'],
    ['a missing union', { ...valid, id: undefined }, '#/id', 'required'],
    ['null is a value, not absent', { ...valid, name: null }, '#/name', 'invalid_type'],
    ['a wrong type', { ...valid, age: '30' }, '#/age', 'invalid_type'],
    ['a short string', { ...valid, name: 'A' }, '#/name', 'too_short'],
    ['a long string', { ...valid, name: 'Annabel' }, '#/name', 'too_long'],
    ['a small number', { ...valid, age: -1 }, '#/age', 'too_small'],
    ['a large number', { ...valid, age: 151 }, '#/age', 'too_large'],
    ['an empty array', { ...valid, tags: [] }, '#/tags', 'too_short'],
    ['a long array', { ...valid, tags: ['a', 'b', 'c'] }, '#/tags', 'too_long'],
    ['a bad email', { ...valid, email: 'ann@' }, '#/email', 'invalid_format'],
    ['an unknown option', { ...valid, color: 'blue' }, '#/color', 'not_allowed'],
    ['a nested field', { ...valid, items: [{ sku: 'ABC' }, { sku: 'x' }] },
      '#/items/1/sku', 'invalid_format'],
    ['a missing nested field', { ...valid, items: [{}] }, '#/items/0/sku', 'required'],
    ['no union member fits', { ...valid, id: true }, '#/id', 'invalid'],
  ])('%s', (_, input, pointer, code) => {
    const clean = JSON.parse(JSON.stringify(input)) as unknown; // as if sent
    expect(only(clean)).toMatchObject({ pointer, code });
  });

  it('lists each unknown key on its own, escaped', () => {
    const errors = errorsFor({ ...valid, 'is/admin': true, '~x': 1 });
    expect(errors).toEqual([
      { pointer: '#/is~1admin', code: 'unknown_field', detail: expect.any(String) },
      { pointer: '#/~0x', code: 'unknown_field', detail: expect.any(String) },
    ]);
  });

  it('never quotes a huge key: the pointer stops at the object holding it', () => {
    const key = 'é'.repeat(1_000_000); // 2 MB as UTF-8, 6 MB percent-encoded
    const input = { a: { [key]: 1 } };
    const strict = z.strictObject({ a: z.strictObject({}) });
    const errors = fieldErrors(strict.safeParse(input).error!.issues, input);
    expect(errors).toEqual([{ pointer: '#/a', code: 'unknown_field',
      detail: expect.stringContaining('too long to quote') }]);
  });

  it(`keeps every pointer within ${MAX_POINTER_LENGTH} characters`, () => {
    const key = (i: number) => `${i}`.padEnd(60, '\u{1F984}'); // 4 bytes each
    const input = Object.fromEntries(Array.from({ length: 20 }, (_, i) =>
      [key(i), 1]));
    const errors = fieldErrors(
      z.strictObject({}).safeParse(input).error!.issues, input);
    expect(errors).toHaveLength(20);
    for (const e of errors) {
      expect(e.pointer.length).toBeLessThanOrEqual(MAX_POINTER_LENGTH);
    }
  });

  it('quotes a key up to the cap in full, and no more', () => {
    const fits = 'k'.repeat(MAX_POINTER_LENGTH - 2); // '#/' + key
    const over = 'k'.repeat(MAX_POINTER_LENGTH - 1);
    const input = { [fits]: 1, [over]: 2 };
    const errors = fieldErrors(
      z.strictObject({}).safeParse(input).error!.issues, input);
    expect(errors.map((e) => e.pointer)).toEqual([`#/${fits}`, '#']);
  });

  it('points at the whole document when the body is not an object', () => {
    expect(only([1, 2])).toMatchObject({ pointer: '#', code: 'invalid_type' });
  });

  it('reports every bad field at once', () => {
    const errors = errorsFor({ name: 'A', age: 'x', email: 'no', color: 'blue',
      tags: [], items: [], id: 1 });
    expect(errors.map((e) => e.pointer).sort())
      .toEqual(['#/age', '#/color', '#/email', '#/name', '#/tags']);
  });

  it('uses only the documented codes', () => {
    const errors = errorsFor({ name: 1, age: 1.5, extra: 1, color: 'x',
      tags: Array(9).fill(1), items: [{ sku: 1 }], id: {} });
    for (const e of errors) expect(FIELD_CODES).toContain(e.code);
  });

  it('passes through a rule code the schema declares, and only a sane one', () => {
    const rule = (code: unknown) => z.object({ a: z.number(), b: z.number() })
      .refine((v) => v.a < v.b, { path: ['b'], message: 'b must exceed a.',
        params: { code } });
    const errorOf = (code: unknown) =>
      fieldErrors(rule(code).safeParse({ a: 2, b: 1 }).error!.issues, {})[0];
    expect(errorOf('b_not_after_a')).toEqual(
      { pointer: '#/b', code: 'b_not_after_a', detail: 'b must exceed a.' });
    for (const bad of [undefined, 42, 'Has Spaces', 'x', '<script>']) {
      expect(errorOf(bad)?.code).toBe('invalid');
    }
  });
});

describe('POST /signups', () => {
  function setup(maxBodyBytes?: number) {
    const logged: ErrorLogEntry[] = [];
    let n = 0;
    const app = createSignupApp({ log: (e) => logged.push(e),
      newId: () => `req-${++n}`, maxBodyBytes });
    const post = (body: RequestInit['body'], type = 'application/json',
      headers: Record<string, string> = {}) =>
      app.request('/signups', { method: 'POST', body, duplex: 'half',
        headers: { 'Content-Type': type, ...headers } } as RequestInit);
    return { post, logged, app };
  }
  const valid = { email: 'ann@example.com', password: 'correct horse battery',
    plan: 'free' };

  async function problem(res: Response) {
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    return (await res.json()) as {
      type: string; status: number; detail: string; errors?: FieldError[];
    };
  }

  it('creates the account from a valid body', async () => {
    const res = await setup().post(JSON.stringify(valid));
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/accounts/1');
    expect(await res.json()).toEqual({ email: 'ann@example.com', plan: 'free' });
  });

  it.each(['{"email": "ann@', '', 'null,', "{'email': 'x'}", '{"a":1}}'])(
    'answers unreadable JSON %j with 400 and no errors list', async (body) => {
      const res = await setup().post(body);
      expect(res.status).toBe(400);
      const p = await problem(res);
      expect(p.type).toBe('https://api.example.com/problems/malformed-request');
      expect(p).not.toHaveProperty('errors');
    });

  it.each(['hunter2-secret', '{"password": hunter2-secret}'])(
    'never echoes the unreadable body %j, which V8 would quote', async (body) => {
      let message = '';
      try { JSON.parse(body); } catch (e) { message = (e as Error).message; }
      expect(message).toContain('hunter2'); // the leak this guards against
      const res = await setup().post(body);
      expect(await res.text()).not.toContain('hunter2');
    });

  it.each(['text/plain', 'application/x-www-form-urlencoded', ''])(
    'answers Content-Type %j with 415', async (type) => {
      const res = await setup().post(JSON.stringify(valid), type);
      expect(res.status).toBe(415);
    });

  it('accepts a charset parameter and any case', async () => {
    const res = await setup().post(JSON.stringify(valid), 'Application/JSON; charset=utf-8');
    expect(res.status).toBe(201);
  });

  it('answers valid JSON that breaks the schema with 422 and every field', async () => {
    const res = await setup().post(JSON.stringify(
      { email: 'ann@example', password: 'short', seats: 0, role: 'admin' }));
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(p.type).toBe('https://api.example.com/problems/validation-failed');
    expect(p.detail).toBe('5 field(s) failed validation.');
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([
      ['#/email', 'invalid_format'], ['#/password', 'too_short'],
      ['#/plan', 'required'], ['#/seats', 'too_small'],
      ['#/role', 'unknown_field'],
    ]);
  });

  it('answers JSON that is not an object with 422 at "#"', async () => {
    const p = await problem(await setup().post('[]'));
    expect(p.status).toBe(422);
    expect(p.errors).toEqual([expect.objectContaining({ pointer: '#' })]);
  });

  it('reports a business rule with its own stable code', async () => {
    const p = await problem(await setup().post(JSON.stringify({ ...valid, plan: 'team' })));
    expect(p.errors).toEqual([{ pointer: '#/seats', code: 'seats_required_for_team',
      detail: 'A team plan needs a seat count.' }]);
  });

  // zod skips an object's refinements while a field is missing or of the
  // wrong type, but still runs them when a field only fails a check.
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a missing field hides the rule', { plan: 'team', email: undefined }, ['required']],
    ['a mistyped field hides the rule', { plan: 'team', email: 7 }, ['invalid_type']],
    ['a failed check does not', { plan: 'team', email: 'nope' },
      ['invalid_format', 'seats_required_for_team']],
  ])('%s', async (_, change, codes) => {
    const p = await problem(await setup().post(JSON.stringify({ ...valid, ...change })));
    expect(p.errors?.map((e) => e.code)).toEqual(codes);
  });

  it('never echoes rejected values', async () => {
    const res = await setup().post(JSON.stringify(
      { email: 'secret-user@@corp', password: 'hunter2', plan: '<img src=x>' }));
    const text = await res.text();
    for (const value of ['secret-user', 'hunter2', '<img']) {
      expect(text).not.toContain(value);
    }
  });

  it(`lists at most ${MAX_FIELD_ERRORS} errors but counts them all`, async () => {
    const extra = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`junk${i}`, i]));
    const p = await problem(await setup().post(JSON.stringify({ ...valid, ...extra })));
    expect(p.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(p.detail).toBe('200 field(s) failed validation.');
  });

  it('keeps the 422 small when a key is megabytes long', async () => {
    const key = 'é'.repeat(1_000_000); // the 2 MB body that once got 6 MB back
    const res = await setup(4 << 20).post(JSON.stringify({ ...valid, [key]: 1 }));
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text.length).toBeLessThan(1024);
    expect(JSON.parse(text).errors).toEqual([expect.objectContaining(
      { pointer: '#', code: 'unknown_field' })]);
  });

  it('keeps the 422 under 16 KB whatever the keys', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => // about 3 MB
      `"k${i}${i < 200 ? 'é'.repeat(5_000) : ''}":${i}`);
    const body = `${JSON.stringify(valid).slice(0, -1)},${keys.join(',')}}`;
    const res = await setup(4 << 20).post(body);
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text.length).toBeLessThan(16 * 1024);
    const p = JSON.parse(text) as { detail: string; errors: FieldError[] };
    expect(p.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(p.detail).toBe('100000 field(s) failed validation.');
  });

  describe('reading the body', () => {
    const padded = (bytes: number) => { // valid JSON of exactly `bytes`
      const head = JSON.stringify({ ...valid, pad: '' });
      return head.replace('"pad":""', `"pad":"${'x'.repeat(bytes - head.length)}"`);
    };
    const tooLarge = async (res: Response) => {
      expect(res.status).toBe(413);
      const p = await problem(res);
      expect(p).toMatchObject({ type: 'about:blank', title: 'Content Too Large' });
    };

    it(`reads a body of exactly ${MAX_BODY_BYTES} bytes`, async () => {
      const body = padded(MAX_BODY_BYTES);
      expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
      const p = await problem(await setup().post(body));
      expect(p.errors).toEqual([expect.objectContaining(
        { pointer: '#/pad', code: 'unknown_field' })]); // read and validated
    });

    it('answers one byte more with 413, counted as it arrives', async () => {
      await tooLarge(await setup().post(padded(MAX_BODY_BYTES + 1)));
    });

    it('answers a 2 MB body with 413', async () => {
      await tooLarge(await setup().post(padded(2 << 20)));
    });

    it('reads a body of exactly the cap when Content-Length says so', async () => {
      const body = padded(MAX_BODY_BYTES);
      const res = await setup().post(body, undefined,
        { 'Content-Length': String(MAX_BODY_BYTES) });
      expect(res.status).toBe(422); // read and validated, not refused
    });

    it('decodes a character split across two chunks', async () => {
      const bytes = new TextEncoder().encode(JSON.stringify(
        { ...valid, password: 'crème brûlée au café' }));
      const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of è
      const stream = new ReadableStream<Uint8Array>({ start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      } });
      expect((await setup().post(stream)).status).toBe(201);
    });

    it('does not trust a Content-Length that understates the body', async () => {
      await tooLarge(await setup().post(padded(2 << 20), undefined,
        { 'Content-Length': '10' }));
    });

    it('refuses a declared Content-Length over the cap without reading', async () => {
      const { app } = setup();
      const req = new Request('http://localhost/signups', {
        method: 'POST', body: JSON.stringify(valid),
        headers: { 'Content-Type': 'application/json',
          'Content-Length': String(MAX_BODY_BYTES + 1) },
      });
      await tooLarge(await app.request(req));
      expect(req.bodyUsed).toBe(false);
    });

    it('stops reading a streamed body at the cap and cancels it', async () => {
      let sent = 0;
      let cancelled = false;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) { // 8 MB of spaces, 1 KB at a time
          if (sent >= 8 << 20) return controller.close();
          sent += 1024;
          controller.enqueue(new Uint8Array(1024).fill(0x20));
        },
        cancel() { cancelled = true; },
      });
      await tooLarge(await setup().post(stream));
      expect(cancelled).toBe(true);
      expect(sent).toBeLessThanOrEqual(MAX_BODY_BYTES + 2048);
    });

    it('rejects a duplicate key with 400, naming it as a JSON Pointer', async () => {
      // JSON.parse alone keeps the last "plan" and creates a free account.
      const body = '{"email":"ann@example.com","password":"correct horse battery",'
        + '"plan":"team","plan":"free"}';
      const res = await setup().post(body);
      expect(res.status).toBe(400);
      const p = await problem(res);
      expect(p.type).toBe('https://api.example.com/problems/malformed-request');
      expect(p.detail).toBe('Duplicate key at #/plan; send each member once.');
    });

    it('rejects a duplicate nested in an array at its index', async () => {
      const body = '{"email":"a@b.co","password":"correct horse battery",'
        + '"plan":"free","x":[{"a":1},{"a":1,"a":2}]}';
      const p = await problem(await setup().post(body));
      expect(p.status).toBe(400);
      expect(p.detail).toContain('#/x/1/a');
    });

    it('rejects an integer a double would round, before the schema sees it', async () => {
      const body = JSON.stringify({ ...valid, plan: 'team' })
        .replace('}', ',"seats":9007199254740993}');
      const p = await problem(await setup().post(body));
      expect(p.status).toBe(400);
      expect(p.detail).toContain('9007199254740993');
    });

    // Nothing here decompresses: without this check a gzip body was a 400
    // "not UTF-8", and plain JSON labelled gzip was accepted as if plain.
    it.each<[string, Uint8Array | string, string]>([
      ['a gzip body', gzipSync(JSON.stringify(valid)), 'gzip'],
      ['plain JSON labelled gzip', JSON.stringify(valid), 'gzip'],
      ['a coding list', JSON.stringify(valid), 'identity, br'],
    ])('answers %s with 415, unread', async (_, body, coding) => {
      const res = await setup().post(body, undefined,
        { 'Content-Encoding': coding });
      expect(res.status).toBe(415);
      expect((await problem(res)).detail).toBe(
        'Send the body without a Content-Encoding.');
    });

    it('accepts Content-Encoding: identity, which means none', async () => {
      const res = await setup().post(JSON.stringify(valid), undefined,
        { 'Content-Encoding': 'Identity' });
      expect(res.status).toBe(201);
    });

    const nested = (depth: number) => // `depth` levels in all, valid JSON
      `${JSON.stringify(valid).slice(0, -1)},"x":${'['.repeat(depth - 1)}`
      + `${']'.repeat(depth - 1)}}`;

    it(`lets ${MAX_DEPTH} levels of nesting through to the schema`, async () => {
      const p = await problem(await setup().post(nested(MAX_DEPTH)));
      expect(p.status).toBe(422);
      expect(p.errors).toEqual([expect.objectContaining(
        { pointer: '#/x', code: 'unknown_field' })]);
    });

    // With a reviver, V8 walks the parsed value recursively: a few thousand
    // levels overflowed its stack and valid JSON came back as "Not valid JSON.".
    it.each([MAX_DEPTH + 1, 10_000])(
      'answers %i levels with 400 before parsing', async (depth) => {
        const p = await problem(await setup().post(nested(depth)));
        expect(p.status).toBe(400);
        expect(p.detail).toBe(`The body nests deeper than ${MAX_DEPTH} levels.`);
      });

    it('does not count brackets inside strings', async () => {
      const password = `"${'['.repeat(MAX_DEPTH + 1)}\\"{`; // a \" and a {
      const res = await setup().post(JSON.stringify({ ...valid, password }));
      expect(res.status).toBe(201);
    });

    it('rejects bytes that are not UTF-8 instead of guessing', async () => {
      // A lenient decoder turns 0xFF into U+FFFD and stores another password.
      const json = new TextEncoder().encode(JSON.stringify(
        { ...valid, password: 'correct horse battery ?' }));
      json[json.lastIndexOf(0x3f)] = 0xff;
      const p = await problem(await setup().post(json));
      expect(p.status).toBe(400);
      expect(p.detail).toBe('The body is not valid UTF-8.');
    });
  });

  it('logs validation failures as info, without the body', async () => {
    const { post, logged } = setup();
    await post(JSON.stringify({ ...valid, password: 'hunter2' }));
    expect(logged).toEqual([expect.objectContaining(
      { level: 'info', status: 422, code: 'validation-failed' })]);
    expect(JSON.stringify(logged)).not.toContain('hunter2');
  });
});
