import { describe, expect, it, vi } from 'vitest';
import { METHODS, isMethod, resource, withoutContent, type Method } from './http-methods.ts';

const all = Object.keys(METHODS) as Method[];
const where = (test: (m: Method) => boolean) => all.filter(test).sort();

/** Fetch refuses to build TRACE and CONNECT requests; servers still get them. */
function request(method: string, init: RequestInit = {}): Request {
  const forbidden = method === 'TRACE' || method === 'CONNECT';
  const req = new Request('https://api.example/docs/7', { ...init, method: forbidden ? 'GET' : method });
  if (forbidden) Object.defineProperty(req, 'method', { value: method });
  return req;
}

describe('METHODS against the RFCs', () => {
  // The IANA HTTP Method Registry columns as RFC 9110 registered them, plus PATCH (RFC 5789 §2).
  const registry: Record<string, { safe: boolean; idempotent: boolean }> = {
    CONNECT: { safe: false, idempotent: false },
    DELETE: { safe: false, idempotent: true },
    GET: { safe: true, idempotent: true },
    HEAD: { safe: true, idempotent: true },
    OPTIONS: { safe: true, idempotent: true },
    POST: { safe: false, idempotent: false },
    PUT: { safe: false, idempotent: true },
    TRACE: { safe: true, idempotent: true },
    PATCH: { safe: false, idempotent: false },
  };

  it('has exactly the eight RFC 9110 methods plus PATCH', () => {
    expect(all.sort()).toEqual(Object.keys(registry).sort());
  });

  it.each(Object.entries(registry))('%s matches the registry', (method, props) => {
    const { safe, idempotent } = METHODS[method as Method];
    expect({ safe, idempotent }).toEqual(props);
  });

  it('marks GET, HEAD, OPTIONS and TRACE safe (§9.2.1)', () => {
    expect(where((m) => METHODS[m].safe)).toEqual(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
  });

  it('marks PUT, DELETE and every safe method idempotent (§9.2.2)', () => {
    const expected = [...where((m) => METHODS[m].safe), 'PUT', 'DELETE'].sort();
    expect(where((m) => METHODS[m].idempotent)).toEqual(expected);
    for (const m of all) if (METHODS[m].safe) expect(METHODS[m].idempotent).toBe(true);
  });

  it('caches GET and HEAD; POST and PATCH only with explicit freshness (§9.2.3, RFC 5789 §2)', () => {
    expect(where((m) => METHODS[m].cacheable === 'yes')).toEqual(['GET', 'HEAD']);
    expect(where((m) => METHODS[m].cacheable === 'explicit')).toEqual(['PATCH', 'POST']);
    // §9.3.4–9.3.8: "Responses to the … method are not cacheable."
    expect(where((m) => METHODS[m].cacheable === 'no'))
      .toEqual(['CONNECT', 'DELETE', 'OPTIONS', 'PUT', 'TRACE']);
  });
});

describe('isMethod', () => {
  it('is case-sensitive, as method tokens are (§9.1)', () => {
    expect(isMethod('PATCH')).toBe(true);
    expect(isMethod('patch')).toBe(false);
    expect(isMethod('Get')).toBe(false);
  });

  it('keeps the lowercase patch that Fetch sends away from the PATCH handler', async () => {
    const patch = vi.fn(() => new Response(null, { status: 204 }));
    const handle = resource({ PATCH: patch });
    const send = (method: string) =>
      handle(new Request('https://api.example/docs/7', { method, body: '{"title":"x"}' }));
    // Fetch uppercases only DELETE, GET, HEAD, OPTIONS, POST and PUT.
    const lower = await send('patch');
    expect(lower.status).toBe(501);
    expect(patch).not.toHaveBeenCalled();
    expect((await send('PATCH')).status).toBe(204);
    expect(patch).toHaveBeenCalledOnce();
  });

  it('does not mistake inherited object keys for methods', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(isMethod(name)).toBe(false);
    }
  });
});

describe('resource()', () => {
  const doc = () => {
    const get = vi.fn(() => Response.json({ id: 7 }, { headers: { ETag: '"v1"' } }));
    const put = vi.fn(() => new Response(null, { status: 204 }));
    return { get, put, handle: resource({ GET: get, PUT: put }) };
  };

  it('answers OPTIONS with 204 and Allow in table order, without calling a handler', async () => {
    const { get, put, handle } = doc();
    const res = await handle(request('OPTIONS'));
    expect(res.status).toBe(204);
    expect(res.headers.get('Allow')).toBe('GET, HEAD, PUT, OPTIONS');
    expect(await res.text()).toBe('');
    expect(get).not.toHaveBeenCalled();
    expect(put).not.toHaveBeenCalled();
  });

  it('answers HEAD with the GET status and headers and no content (§9.3.2)', async () => {
    const { get, handle } = doc();
    const full = await handle(request('GET'));
    const head = await handle(request('HEAD'));
    expect(get).toHaveBeenCalledTimes(2);
    expect(head.status).toBe(full.status);
    expect([...head.headers]).toEqual([...full.headers]);
    expect(head.body).toBeNull();
    expect(await full.json()).toEqual({ id: 7 });
  });

  it('keeps the status of a failing GET on HEAD, still without content', async () => {
    const handle = resource({ GET: () => new Response('gone', { status: 404 }) });
    const head = await handle(request('HEAD'));
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });

  it.each(['POST', 'PATCH', 'DELETE'])(
    'refuses %s, a method it knows but lacks, with 405 and Allow (§15.5.6)', async (method) => {
      const { get, put, handle } = doc();
      const res = await handle(request(method));
      expect(res.status).toBe(405);
      expect(res.headers.get('Allow')).toBe('GET, HEAD, PUT, OPTIONS');
      expect(res.headers.get('Content-Type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
      expect(get).not.toHaveBeenCalled();
      expect(put).not.toHaveBeenCalled();
    });

  it.each(['TRACE', 'CONNECT'])(
    'refuses %s, which no resource here implements, with 501 and no handler call (§9.1)', async (method) => {
      const { get, put, handle } = doc();
      const res = await handle(request(method));
      expect(res.status).toBe(501);
      expect(res.headers.get('Allow')).toBeNull();
      expect(await res.json()).toMatchObject({ status: 501, title: 'Not Implemented' });
      expect(get).not.toHaveBeenCalled();
      expect(put).not.toHaveBeenCalled();
    });

  it('refuses HEAD with 405 and no content when there is no GET', async () => {
    const handle = resource({ POST: () => new Response(null, { status: 201 }) });
    const res = await handle(request('HEAD'));
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('POST, OPTIONS');
    expect(await res.text()).toBe('');
  });

  it.each(['BREW', 'patch', 'Patch', 'PROPFIND'])(
    'refuses %s, a method it does not recognize, with 501 (§9.1, §15.6.2)', async (method) => {
      const res = await doc().handle(request(method));
      expect(res.status).toBe(501);
      expect(res.headers.get('Allow')).toBeNull();
      expect(await res.json()).toMatchObject({ status: 501, title: 'Not Implemented' });
    });

  it('passes extra arguments through to the handler', async () => {
    const handle = resource<[{ id: string }]>({ GET: (_req, params) => Response.json(params) });
    expect(await (await handle(request('GET'), { id: '9' })).json()).toEqual({ id: '9' });
  });

  it('lets a handler error propagate to the error middleware', async () => {
    const handle = resource({ GET: () => { throw new Error('db down'); } });
    await expect(handle(request('GET'))).rejects.toThrow('db down');
  });

  it('rejects handler maps it cannot serve correctly', () => {
    expect(() => resource({})).toThrow(TypeError);
    for (const key of ['HEAD', 'OPTIONS', 'TRACE', 'get', 'BREW']) {
      expect(() => resource({ [key]: () => new Response() } as never)).toThrow(TypeError);
    }
    // Allow must never list a method that has no handler behind it.
    expect(() => resource({ GET: undefined })).toThrow(TypeError);
    expect(() => resource({ GET: 'yes' } as never)).toThrow(TypeError);
  });
});

describe('withoutContent', () => {
  it('keeps status and headers, drops the body and cancels its stream', async () => {
    const cancel = vi.fn();
    const body = new ReadableStream({ cancel });
    const res = await withoutContent(new Response(body, { status: 201, headers: { Location: '/x' } }));
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/x');
    expect(res.body).toBeNull();
    expect(cancel).toHaveBeenCalled();
  });
});
