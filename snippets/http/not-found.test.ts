import { describe, expect, it } from 'vitest';
import type { ErrorLogEntry } from './error-middleware.ts';
import { resource } from './http-methods.ts';
import { createDocsApp, memoryDocs, type Doc } from './not-found.ts';
import { PROBLEM_JSON } from './problem.ts';

const DOCS: Doc[] = [
  { id: 'd1', title: 'Q3 plan', owner: 'ann', viewers: ['bob'] },
  { id: 'd2', title: 'Salaries 2025', owner: 'ann', viewers: [] },
];

const tokens = new Map([['t-ann', 'ann'], ['t-bob', 'bob'], ['t-eve', 'eve']]);
const APP = 'https://app.example'; // the browser app allowed to call the API

/** `sameId` gives every response one request id, so two can be compared whole. */
function setup(docs: Doc[] = DOCS, { sameId = false } = {}) {
  const logged: ErrorLogEntry[] = [];
  let n = 0;
  const app = createDocsApp({
    store: memoryDocs(docs),
    authenticate: (c) => tokens.get(
      c.req.header('Authorization')?.replace(/^Bearer /, '') ?? ''),
    now: () => 1_750_000_000_000,
    log: (e) => logged.push(e),
    newId: () => (sameId ? 'req-same' : `req-${++n}`),
    corsOrigins: [APP],
  });
  const as = (who: string | undefined, method = 'GET', path = '/documents/d1',
    extra: Record<string, string> = {}) => app.request(path, { method,
    headers: { ...(who ? { Authorization: `Bearer t-${who}` } : {}), ...extra } });
  return { app, as, logged };
}

async function problemType(res: Response): Promise<string> {
  expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  const body = (await res.json()) as { type: string; status: number };
  expect(body.status).toBe(res.status);
  return body.type.replace('https://api.example.com/problems/', '');
}

/** Everything a client can observe, for comparing two responses. */
async function observable(res: Response) {
  return { status: res.status, headers: [...res.headers], body: await res.text() };
}

describe('200 for a document you may see', () => {
  it.each(['ann', 'bob'])('returns it to %s', async (who) => {
    const { as } = setup();
    const res = await as(who);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'd1', title: 'Q3 plan' });
  });

  it('answers HEAD without a body', async () => {
    const { as } = setup();
    const res = await as('ann', 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('404: nothing here you may know about', () => {
  it('for an id that never existed, as a problem', async () => {
    const { as } = setup();
    const res = await as('ann', 'GET', '/documents/nope');
    expect(res.status).toBe(404);
    expect(await problemType(res)).toBe('not-found');
  });

  it('for a document that exists but is not yours: byte-identical to a missing one', async () => {
    const hidden = await setup(DOCS, { sameId: true }).as('eve', 'GET', '/documents/d2');
    const missing = await setup(DOCS.filter((d) => d.id !== 'd2'), { sameId: true })
      .as('eve', 'GET', '/documents/d2');
    expect(hidden.status).toBe(404);
    expect(await observable(hidden)).toEqual(await observable(missing));
  });

  it('never mentions the hidden document', async () => {
    const res = await setup().as('eve', 'GET', '/documents/d2');
    const text = await res.text();
    expect(text).not.toContain('Salaries');
    expect(text).not.toContain('ann');
  });

  it('for DELETE by a stranger, which changes nothing', async () => {
    const { as } = setup();
    const res = await as('eve', 'DELETE', '/documents/d2');
    expect(res.status).toBe(404);
    expect((await as('ann', 'GET', '/documents/d2')).status).toBe(200);
  });

  it('for a path no route knows', async () => {
    const { as } = setup();
    const res = await as('ann', 'GET', '/nothing/here');
    expect(res.status).toBe(404);
    expect(await problemType(res)).toBe('not-found');
  });

  it('with no body for HEAD', async () => {
    const { as } = setup();
    const res = await as('eve', 'HEAD', '/documents/d2');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });
});

describe('403: you can see it, but may not do this', () => {
  it('refuses a viewer who tries to delete, and keeps the document', async () => {
    const { as } = setup();
    const res = await as('bob', 'DELETE');
    expect(res.status).toBe(403);
    expect(await problemType(res)).toBe('forbidden');
    expect((await as('bob')).status).toBe(200);
  });
});

describe('410: deleted for good', () => {
  it('tells those who could see it that it is gone', async () => {
    const { as } = setup();
    expect((await as('ann', 'DELETE')).status).toBe(204);
    for (const who of ['ann', 'bob']) {
      const res = await as(who);
      expect(res.status).toBe(410);
      expect(await problemType(res)).toBe('gone');
    }
  });

  it('still answers strangers with a plain 404', async () => {
    const { as } = setup(DOCS, { sameId: true });
    await as('ann', 'DELETE', '/documents/d2');
    const deleted = await as('eve', 'GET', '/documents/d2');
    const never = await as('eve', 'GET', '/documents/zz');
    expect(deleted.status).toBe(404);
    const [a, b] = [await deleted.text(), await never.text()];
    expect(a.replace('d2', 'ID')).toBe(b.replace('zz', 'ID'));
  });

  it('answers a second DELETE with 410', async () => {
    const { as } = setup();
    await as('ann', 'DELETE');
    expect((await as('ann', 'DELETE')).status).toBe(410);
  });
});

describe('405: the path exists, the method does not', () => {
  it.each(['PATCH', 'PUT', 'POST'])('%s gets 405 with Allow', async (method) => {
    const { as } = setup();
    const res = await as('ann', method);
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, HEAD, DELETE, OPTIONS');
    expect(await problemType(res)).toBe('method-not-allowed');
  });

  it('lists the same Allow as Q3\'s resource() for GET and DELETE', async () => {
    const q3 = resource({ GET: () => new Response('{}'),
      DELETE: () => new Response(null, { status: 204 }) });
    const options = await q3(new Request('https://api.example/d', { method: 'OPTIONS' }));
    const expected = options.headers.get('Allow');
    expect(expected).toContain('OPTIONS');
    const { as } = setup();
    expect((await as('ann', 'PATCH')).headers.get('Allow')).toBe(expected);
    expect((await as(undefined, 'OPTIONS')).headers.get('Allow')).toBe(expected);
  });

  it('does not touch the document', async () => {
    const { as } = setup();
    await as('ann', 'PUT');
    expect((await as('ann')).status).toBe(200);
  });
});

describe('OPTIONS and CORS preflight come before authentication', () => {
  const preflight = (origin: string, method = 'DELETE') => ({
    Origin: origin, 'Access-Control-Request-Method': method,
    'Access-Control-Request-Headers': 'authorization',
  });

  it('answers a preflight, which never carries credentials, without a 401', async () => {
    const { as, logged } = setup();
    const res = await as(undefined, 'OPTIONS', '/documents/d1', preflight(APP));
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(APP);
    expect(res.headers.get('Access-Control-Allow-Methods')?.split(/\s*,\s*/))
      .toEqual(expect.arrayContaining(['GET', 'HEAD', 'DELETE']));
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase())
      .toContain('authorization');
    expect(res.headers.get('WWW-Authenticate')).toBeNull();
    expect(await res.text()).toBe('');
    expect(logged).toEqual([]); // not a refusal
  });

  it('gives an origin not on the list, or the opaque "null", no Access-Control-Allow-Origin', async () => {
    const { as } = setup();
    for (const origin of ['https://evil.example', 'null', `${APP}.evil.example`, '']) {
      const res = await as(undefined, 'OPTIONS', '/documents/d1', preflight(origin));
      expect(res.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
      const real = await as('ann', 'GET', '/documents/d1', { Origin: origin });
      expect(real.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
    }
  });

  it('never allows credentials: the API takes a bearer header, not cookies', async () => {
    const { as } = setup();
    for (const res of [await as(undefined, 'OPTIONS', '/documents/d1', preflight(APP)),
      await as('ann', 'GET', '/documents/d1', { Origin: APP })]) {
      expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    }
  });

  it('sends Vary: Origin on real responses and preflights, so no cache mixes origins up', async () => {
    const { as } = setup();
    // Fetch standard, "CORS protocol and HTTP caches": also without Origin.
    const cases: Record<string, string>[] = [{}, { Origin: APP }, { Origin: 'https://evil.example' }];
    for (const extra of cases) {
      const res = await as('ann', 'GET', '/documents/d1', extra);
      expect(res.headers.get('Vary'), JSON.stringify(extra)).toMatch(/\bOrigin\b/);
    }
    const pre = await as(undefined, 'OPTIONS', '/documents/d1', preflight(APP));
    expect(pre.headers.get('Vary')).toMatch(/\bOrigin\b/);
  });

  it('answers a plain OPTIONS with 204 and Allow, signed in or not', async () => {
    const { as } = setup();
    for (const who of [undefined, 'ann', 'eve']) {
      const res = await as(who, 'OPTIONS');
      expect(res.status).toBe(204);
      expect(res.headers.get('Allow')).toBe('GET, HEAD, DELETE, OPTIONS');
    }
  });

  it('says nothing about the id: a hidden document and a missing one look alike', async () => {
    const { as } = setup(DOCS, { sameId: true });
    for (const headers of [{}, preflight(APP)]) {
      const hidden = await as(undefined, 'OPTIONS', '/documents/d2', headers);
      const missing = await as(undefined, 'OPTIONS', '/documents/zz', headers);
      expect(await observable(hidden)).toEqual(await observable(missing));
    }
  });

  it('lets the allowed origin read the actual responses, refusals included', async () => {
    const { as } = setup();
    for (const [who, path, status] of [['ann', '/documents/d1', 200],
      [undefined, '/documents/d1', 401], ['eve', '/documents/d2', 404]] as const) {
      const res = await as(who, 'GET', path, { Origin: APP });
      expect(res.status).toBe(status);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(APP);
      expect(res.headers.get('Vary')).toMatch(/\bOrigin\b/);
    }
    const other = await as('ann', 'GET', '/documents/d1', { Origin: 'https://evil.example' });
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('still authenticates every other method', async () => {
    const { as } = setup();
    for (const method of ['GET', 'HEAD', 'DELETE', 'PATCH']) {
      expect((await as(undefined, method, '/documents/d1', preflight(APP))).status).toBe(401);
    }
  });
});

describe('401 comes first', () => {
  it('challenges a request without credentials, before any lookup', async () => {
    const { as } = setup();
    for (const path of ['/documents/d1', '/documents/nope']) {
      const res = await as(undefined, 'GET', path);
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="documents"');
      expect(await problemType(res)).toBe('unauthenticated');
    }
  });

  it('adds error="invalid_token" when a token was sent but is bad (RFC 6750 §3)', async () => {
    const { app } = setup();
    const res = await app.request('/documents/d1',
      { headers: { Authorization: 'Bearer forged' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate'))
      .toBe('Bearer realm="documents", error="invalid_token"');
  });
});

describe('logging', () => {
  it('records every refusal with its status and code', async () => {
    const { as, logged } = setup();
    await as('eve', 'GET', '/documents/d2');
    await as('bob', 'DELETE');
    expect(logged.map((e) => [e.status, e.code]))
      .toEqual([[404, 'not-found'], [403, 'forbidden']]);
  });
});
