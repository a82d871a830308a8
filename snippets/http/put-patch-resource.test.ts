import { describe, expect, it, vi } from 'vitest';
import { etagOf } from './etag.ts';
import { MERGE_PATCH_JSON } from './merge-patch.ts';
import {
  createProfileApp, memoryProfileStore, type Profile, type ProfileStore,
} from './put-patch-resource.ts';

interface Problem { type: string; title: string; status: number; detail: string; errors?: { pointer: string }[] }

const ADA: Profile = { name: 'Ada', email: 'ada@example.com', bio: 'Analyst', tags: ['math'] };

function setup(options?: Parameters<typeof createProfileApp>[1], seed: Profile | null = ADA) {
  const store = memoryProfileStore();
  if (seed) store.set('ada', seed);
  return { app: createProfileApp(store, options), store };
}

const put = (body: string, headers: Record<string, string> = {}): RequestInit =>
  ({ method: 'PUT', body, headers: { 'Content-Type': 'application/json', ...headers } });
const patch = (body: string, headers: Record<string, string> = {}): RequestInit =>
  ({ method: 'PATCH', body, headers: { 'Content-Type': MERGE_PATCH_JSON, ...headers } });

type App = ReturnType<typeof createProfileApp>;
const current = async (app: App) => {
  const res = await app.request('/profiles/ada');
  return { etag: res.headers.get('ETag')!, body: (await res.json()) as Profile };
};

async function expectProblem(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ type: 'about:blank', status });
  return body;
}

/** The stored profile is exactly `expected`: a refused write changed nothing. */
function expectUnchanged(store: ProfileStore, expected: Profile | undefined = ADA) {
  expect(store.get('ada')).toEqual(expected);
}

describe('GET', () => {
  it('sends a strong ETag of the representation and advertises merge patch', async () => {
    const { app } = setup();
    const res = await app.request('/profiles/ada');
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(etagOf(ADA));
    expect(res.headers.get('ETag')).not.toMatch(/^W\//);
    expect(res.headers.get('Accept-Patch')).toBe(MERGE_PATCH_JSON);
    expect(await res.json()).toEqual(ADA);
  });

  it('answers 404 with a problem for an unknown profile', async () => {
    const { app } = setup();
    await expectProblem(await app.request('/profiles/bob'), 404);
  });
});

describe('PUT replaces the whole state', () => {
  it('replaces every field: a field left out is gone, not kept', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const next = { name: 'Ada', email: 'ada@example.com', tags: [] };
    const res = await app.request('/profiles/ada', put(JSON.stringify(next), { 'If-Match': etag }));
    expect(res.status).toBe(200);
    expect(store.get('ada')).toEqual(next);
    expect(store.get('ada')).not.toHaveProperty('bio');
  });

  it('rejects a partial body with 422 instead of guessing the rest', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', put('{"name":"Ada L."}', { 'If-Match': etag }));
    const body = await expectProblem(res, 422);
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual(['#/email', '#/tags']);
    expectUnchanged(store);
  });

  it('creates with 201 when If-None-Match: * and nothing is there', async () => {
    const { app, store } = setup(undefined, null);
    const res = await app.request('/profiles/ada', put(JSON.stringify(ADA), { 'If-None-Match': '*' }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual(ADA);
    expect(store.get('ada')).toEqual(ADA);
  });

  it('refuses a create over an existing profile with 412 (If-None-Match: *)', async () => {
    const { app, store } = setup();
    const other = { ...ADA, name: 'Impostor' };
    const res = await app.request('/profiles/ada', put(JSON.stringify(other), { 'If-None-Match': '*' }));
    await expectProblem(res, 412);
    expectUnchanged(store);
  });

  it('sends an ETag only when it stored the exact bytes it received (RFC 9110 §9.3.4)', async () => {
    const { app } = setup();
    const { etag } = await current(app);
    const compact = JSON.stringify({ ...ADA, bio: 'Mathematician' });
    const exact = await app.request('/profiles/ada', put(compact, { 'If-Match': etag }));
    expect(exact.status).toBe(200);
    expect(exact.headers.get('ETag')).toBe((await current(app)).etag);

    const pretty = JSON.stringify({ ...ADA, bio: 'Poet' }, null, 2);
    const reformatted = await app.request('/profiles/ada',
      put(pretty, { 'If-Match': exact.headers.get('ETag')! }));
    expect(reformatted.status).toBe(200);
    expect(reformatted.headers.get('ETag')).toBeNull();
    expect(await reformatted.text()).toBe(JSON.stringify({ ...ADA, bio: 'Poet' }));
  });

  it('sends no ETag when the stored order differs from what was sent', async () => {
    const { app } = setup();
    const { etag } = await current(app);
    const reordered = '{"tags":["math"],"name":"Ada","email":"ada@example.com"}';
    const res = await app.request('/profiles/ada', put(reordered, { 'If-Match': etag }));
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBeNull();
  });

  it('is idempotent: the same PUT sent again, same If-Match and all, leaves the same state', async () => {
    const { app, store } = setup();
    const { etag } = await current(app); // the client read v1 and sends its change
    const init = put(JSON.stringify({ ...ADA, bio: 'Poet' }), { 'If-Match': etag });
    const first = await app.request('/profiles/ada', init);
    expect(first.status).toBe(200);
    const after1 = structuredClone(store.get('ada'));
    const writes = vi.spyOn(store, 'set');
    // The first answer was lost; the client resends the identical request.
    const retry = await app.request('/profiles/ada', init);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(after1);
    expect(retry.headers.get('ETag')).toBe(first.headers.get('ETag'));
    expect(store.get('ada')).toEqual(after1);
    // The condition failed, so the method is not performed again (§13.1.1).
    expect(writes).not.toHaveBeenCalled();
  });

  it('still answers 412 to that stale tag when the request would change something (§13.1.1)', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    await app.request('/profiles/ada', put(JSON.stringify({ ...ADA, bio: 'Poet' }), { 'If-Match': etag }));
    const other = put(JSON.stringify({ ...ADA, bio: 'Painter' }), { 'If-Match': etag });
    await expectProblem(await app.request('/profiles/ada', other), 412);
    expectUnchanged(store, { ...ADA, bio: 'Poet' });
  });

  it('answers 412 to a retried create: If-None-Match: * has no "already applied" exception (§13.1.2)', async () => {
    const { app, store } = setup(undefined, null);
    const init = put(JSON.stringify(ADA), { 'If-None-Match': '*' });
    expect((await app.request('/profiles/ada', init)).status).toBe(201);
    await expectProblem(await app.request('/profiles/ada', init), 412);
    expectUnchanged(store);
  });
});

describe('PATCH applies a JSON merge patch', () => {
  it('changes only the named members: null deletes, arrays are replaced whole', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', patch('{"bio":null,"tags":["code"]}', { 'If-Match': etag }));
    expect(res.status).toBe(200);
    const expected = { name: 'Ada', email: 'ada@example.com', tags: ['code'] };
    expect(await res.json()).toEqual(expected);
    expect(store.get('ada')).toEqual(expected);
  });

  it('returns the new ETag, the one a GET then shows', async () => {
    const { app } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', patch('{"name":"Ada L."}', { 'If-Match': etag }));
    const next = res.headers.get('ETag');
    expect(next).not.toBe(etag);
    expect(next).toBe((await current(app)).etag);
  });

  it('validates the result: a patch that leaves an invalid profile is 422 and stores nothing', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    for (const body of ['{"email":null}', '{"email":"not-an-email"}', '{"tags":"math"}', '{"admin":true}']) {
      await expectProblem(await app.request('/profiles/ada', patch(body, { 'If-Match': etag })), 422);
    }
    expectUnchanged(store);
  });

  it('treats a non-object patch as a replacement of the whole document (then 422)', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    for (const body of ['[]', '"Ada"', 'null', '42']) {
      await expectProblem(await app.request('/profiles/ada', patch(body, { 'If-Match': etag })), 422);
    }
    expectUnchanged(store);
  });

  it('keeps "__proto__" a plain member: refused as unknown, nothing polluted', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', patch('{"__proto__":{"admin":true}}', { 'If-Match': etag }));
    await expectProblem(res, 422);
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
    expectUnchanged(store);
  });

  it('refuses application/json with 415 and names the format it accepts', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', {
      method: 'PATCH', body: '{"name":"Ada L."}',
      headers: { 'Content-Type': 'application/json', 'If-Match': etag },
    });
    await expectProblem(res, 415);
    expect(res.headers.get('Accept-Patch')).toBe(MERGE_PATCH_JSON);
    expectUnchanged(store);
  });

  it('accepts the media type with parameters and in any case', async () => {
    const { app } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', {
      method: 'PATCH', body: '{"name":"Ada L."}',
      headers: { 'Content-Type': 'Application/Merge-Patch+JSON; charset=utf-8', 'If-Match': etag },
    });
    expect(res.status).toBe(200);
  });

  it('answers 400 for malformed JSON', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    await expectProblem(await app.request('/profiles/ada', patch('{"name":', { 'If-Match': etag })), 400);
    expectUnchanged(store);
  });

  it('answers 404 for a missing profile, even with a precondition that would fail', async () => {
    const { app, store } = setup(undefined, null);
    await expectProblem(await app.request('/profiles/ada', patch('{"name":"x"}', { 'If-Match': '"stale"' })), 404);
    expect(store.get('ada')).toBeUndefined();
  });
});

describe('If-Match prevents lost updates', () => {
  it('lets the first of two writers win and refuses the second with 412', async () => {
    const { app, store } = setup();
    const { etag } = await current(app); // both clients read the same version
    const first = await app.request('/profiles/ada', patch('{"bio":"First"}', { 'If-Match': etag }));
    expect(first.status).toBe(200);
    const second = await app.request('/profiles/ada', patch('{"name":"Second"}', { 'If-Match': etag }));
    await expectProblem(second, 412);
    expectUnchanged(store, { ...ADA, bio: 'First' });
  });

  it('answers 200, not 412, to a PATCH retried after its answer was lost (§13.1.1)', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const init = patch('{"bio":null,"tags":["code"]}', { 'If-Match': etag });
    const first = await app.request('/profiles/ada', init);
    expect(first.status).toBe(200);
    const writes = vi.spyOn(store, 'set');
    const retry = await app.request('/profiles/ada', init);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('ETag')).toBe(first.headers.get('ETag'));
    expect(writes).not.toHaveBeenCalled();
    expectUnchanged(store, { name: 'Ada', email: 'ada@example.com', tags: ['code'] });
  });

  it('answers 200 when another client already made the same change, and shows that client\'s other edits (§13.1.1)', async () => {
    const { app, store } = setup();
    const { etag } = await current(app); // both clients read v1
    const other = patch('{"name":"Ada L.","bio":"Poet"}', { 'If-Match': etag });
    expect((await app.request('/profiles/ada', other)).status).toBe(200);
    const after = structuredClone(store.get('ada'));
    const writes = vi.spyOn(store, 'set');
    // This client asks for the name the other client already set: nothing to write, nothing lost.
    const res = await app.request('/profiles/ada', patch('{"name":"Ada L."}', { 'If-Match': etag }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...ADA, name: 'Ada L.', bio: 'Poet' });
    expect(res.headers.get('ETag')).toBe((await current(app)).etag);
    expect(writes).not.toHaveBeenCalled();
    expectUnchanged(store, after);
  });

  it('answers 412 to a retry whose change someone has since overwritten', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const mine = patch('{"bio":"First"}', { 'If-Match': etag });
    const first = await app.request('/profiles/ada', mine); // its answer is lost
    await app.request('/profiles/ada', patch('{"bio":"Second"}', { 'If-Match': first.headers.get('ETag')! }));
    await expectProblem(await app.request('/profiles/ada', mine), 412);
    expectUnchanged(store, { ...ADA, bio: 'Second' });
  });

  it.each([
    ['a stale tag', '"not-the-current-one"'],
    ['the weak form of the current tag', `W/${etagOf(ADA)}`],
    ['a malformed tag', 'unquoted'],
  ])('refuses PUT with %s (strong comparison)', async (_name, tag) => {
    const { app, store } = setup();
    await expectProblem(await app.request('/profiles/ada', put(JSON.stringify({ ...ADA, name: 'X' }), { 'If-Match': tag })), 412);
    expectUnchanged(store);
  });

  it('accepts any of several listed tags', async () => {
    const { app } = setup();
    const { etag } = await current(app);
    const res = await app.request('/profiles/ada', patch('{"name":"B"}', { 'If-Match': `"old", ${etag}` }));
    expect(res.status).toBe(200);
  });

  it('If-Match: * means "only if it exists": updates an existing profile, refuses a create', async () => {
    const existing = setup();
    expect((await existing.app.request('/profiles/ada', put(JSON.stringify(ADA), { 'If-Match': '*' }))).status).toBe(200);
    const missing = setup(undefined, null);
    await expectProblem(await missing.app.request('/profiles/ada', put(JSON.stringify(ADA), { 'If-Match': '*' })), 412);
    expect(missing.store.get('ada')).toBeUndefined();
  });

  it('evaluates preconditions before reading the content: stale tag + broken JSON is 412', async () => {
    const { app } = setup();
    await expectProblem(await app.request('/profiles/ada', patch('{"name":', { 'If-Match': '"stale"' })), 412);
    await expectProblem(await app.request('/profiles/ada', put('{"name":', { 'If-Match': '"stale"' })), 412);
  });
});

describe('428 Precondition Required', () => {
  it('refuses unconditional PUT and PATCH, explaining how to resubmit', async () => {
    const { app, store } = setup();
    const a = await expectProblem(await app.request('/profiles/ada', put(JSON.stringify(ADA))), 428);
    expect(a.detail).toMatch(/If-Match/);
    await expectProblem(await app.request('/profiles/ada', patch('{"name":"B"}')), 428);
    expectUnchanged(store);
  });

  it('refuses an unconditional create too: If-None-Match: * is how to ask for one', async () => {
    const { app, store } = setup(undefined, null);
    await expectProblem(await app.request('/profiles/ada', put(JSON.stringify(ADA))), 428);
    expect(store.get('ada')).toBeUndefined();
  });

  it('is off when the server does not require conditional requests', async () => {
    const { app, store } = setup({ requireConditional: false });
    const res = await app.request('/profiles/ada', patch('{"name":"B"}'));
    expect(res.status).toBe(200);
    expect(store.get('ada')?.name).toBe('B');
  });
});

describe('request checks', () => {
  it('refuses PUT without application/json with 415, before any precondition', async () => {
    const { app, store } = setup();
    const res = await app.request('/profiles/ada', {
      method: 'PUT', body: JSON.stringify(ADA), headers: { 'Content-Type': 'text/plain', 'If-Match': '"stale"' },
    });
    await expectProblem(res, 415);
    expect(res.headers.get('Accept-Patch')).toBeNull();
    expectUnchanged(store);
  });

  it('refuses a body over 16 KiB with 413, declared or streamed', async () => {
    const { app, store } = setup();
    const { etag } = await current(app);
    const big = JSON.stringify({ ...ADA, bio: 'x'.repeat(17 * 1024) });
    await expectProblem(await app.request('/profiles/ada', put(big, { 'If-Match': etag })), 413);
    const declared = put(big, { 'If-Match': etag, 'Content-Length': String(big.length) });
    await expectProblem(await app.request('/profiles/ada', declared), 413);
    expectUnchanged(store);
  });
});
