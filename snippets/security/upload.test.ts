import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorLogEntry } from '../http/error-middleware.ts';
import { ALLOWED_TYPES } from './file-type.ts';
import {
  contentDisposition, createFileApp, displayName, storeUpload, UploadError,
} from './upload.ts';

const PNG_TYPE = ALLOWED_TYPES[0]!;
const PDF_TYPE = ALLOWED_TYPES[2]!;
const MAGIC = Buffer.from('89504e470d0a1a0a', 'hex');
const png = (extra = 100) => Buffer.concat([MAGIC, Buffer.alloc(extra, 7)]);
const KEY_1 = '00000000-0000-4000-8000-000000000001';
const MAX = 1000;

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'upload-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

/** A body in `count` chunks of `size` bytes, counting how many were read. */
function chunked(first: Buffer, count: number, size: number) {
  const seen = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (seen.pulled === count) return ctrl.close();
      ctrl.enqueue(seen.pulled++ === 0 ? first : new Uint8Array(size));
    },
  }, { highWaterMark: 0 }); // no read ahead: pulled counts real reads
  return { stream, seen };
}

function setup(keys = [KEY_1]) {
  const logs: ErrorLogEntry[] = [];
  let i = 0;
  const app = createFileApp({ dir, maxBytes: MAX, log: (e) => logs.push(e),
    newKey: () => keys[i++] ?? KEY_1 });
  const upload = async (body: RequestInit['body'], name = 'photo.png',
    headers: Record<string, string> = {}) => {
    const res = await app.request(new Request(
      `http://x/files?name=${encodeURIComponent(name)}`, {
        method: 'POST', body, headers, duplex: 'half',
      } as RequestInit));
    return { res, json: await res.json() as Record<string, unknown> };
  };
  return { app, upload, logs };
}

describe('POST /files', () => {
  it('stores the bytes under a random key with their SHA-256', async () => {
    const { upload } = setup();
    const bytes = png();
    const { res, json } = await upload(bytes, 'Holiday.PNG');
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe(`/files/${KEY_1}`);
    expect(json).toEqual({ id: KEY_1, name: 'Holiday.png', size: bytes.length,
      type: 'image/png',
      sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(await readdir(dir)).toEqual([KEY_1]);
    expect(await readFile(join(dir, KEY_1))).toEqual(bytes);
  });

  it('refuses HTML named .png and sent as image/png; nothing stays', async () => {
    const { upload } = setup();
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)');
    const { res, json } = await upload(html, 'cat.png',
      { 'Content-Type': 'image/png' });
    expect(res.status).toBe(415);
    expect(json.detail).toMatch(/PNG, JPEG and PDF/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops reading a disallowed type after its first bytes', async () => {
    const { upload } = setup();
    const { stream, seen } = chunked(Buffer.from('<html><body>'), 50, 10);
    expect((await upload(stream)).res.status).toBe(415);
    expect(seen.pulled).toBeLessThan(5);
  });

  it('types by content, not by the declared type or the name', async () => {
    const { upload } = setup();
    const { res, json } = await upload(png(), 'page.html',
      { 'Content-Type': 'text/html' });
    expect(res.status).toBe(201);
    expect(json).toMatchObject({ type: 'image/png', name: 'page.png' });
  });

  it('stops reading past the cap and deletes the partial file', async () => {
    const { upload } = setup();
    const { stream, seen } = chunked(png(100), 10_000, 100); // ~1 MB
    const { res } = await upload(stream);
    expect(res.status).toBe(413);
    expect(seen.pulled).toBeLessThan(20); // not the whole megabyte
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a declared Content-Length over the cap unread', async () => {
    const { upload } = setup();
    const { stream, seen } = chunked(png(100), 3, 100);
    const { res } = await upload(stream, 'a.png',
      { 'Content-Length': String(MAX + 1) });
    expect(res.status).toBe(413);
    expect(seen.pulled).toBe(0);
  });

  it('accepts exactly the cap and refuses one byte more', async () => {
    const { upload } = setup();
    expect((await upload(png(MAX - 8))).res.status).toBe(201);
    const { upload: again } = setup(['00000000-0000-4000-8000-000000000002']);
    expect((await again(png(MAX - 7))).res.status).toBe(413);
    expect(await readdir(dir)).toEqual([KEY_1]);
  });

  it('finds a signature split across one-byte chunks', async () => {
    const { upload } = setup();
    const bytes = png(20);
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        for (const b of bytes) ctrl.enqueue(Uint8Array.of(b));
        ctrl.close();
      },
    });
    const { res } = await upload(stream);
    expect(res.status).toBe(201);
    expect(await readFile(join(dir, KEY_1))).toEqual(bytes);
  });

  it('refuses an empty body and a file shorter than any signature', async () => {
    const { upload } = setup(['00000000-0000-4000-8000-00000000000a',
      '00000000-0000-4000-8000-00000000000b']);
    expect((await upload(Buffer.alloc(0))).res.status).toBe(400);
    expect((await upload(Buffer.from('<svg'))).res.status).toBe(415);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not log the file name or content', async () => {
    const { upload, logs } = setup();
    await upload(Buffer.from('<html>secret-content'), 'secret-name.png');
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toMatch(/secret/);
  });
});

describe('GET /files/:key', () => {
  it('serves the detected type with nosniff and a safe name', async () => {
    const { app, upload } = setup();
    const bytes = png();
    await upload(bytes, '../../Résumé "final".png');
    const res = await app.request(`/files/${KEY_1}`);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename="Resume _final_.png"; `
        + `filename*=UTF-8''R%C3%A9sum%C3%A9%20_final_.png`,
      'repr-digest': `sha-256=:${createHash('sha256').update(bytes)
        .digest('base64')}:`,
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it.each([
    '..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e', `${KEY_1}.part`,
    '00000000-0000-4000-8000-000000000009',
  ])('answers 404 for %s', async (key) => {
    const { app, upload } = setup();
    await upload(png());
    expect((await app.request(`/files/${key}`)).status).toBe(404);
  });
});

describe('storeUpload', () => {
  async function* source(...parts: (Buffer | Error)[]) {
    for (const part of parts) {
      if (part instanceof Error) throw part;
      yield part;
    }
  }

  it('deletes the partial file when the client disconnects', async () => {
    const done = storeUpload(source(png(), new Error('socket hang up')),
      { dir, maxBytes: MAX, newKey: () => KEY_1 });
    await expect(done).rejects.toThrow('socket hang up');
    expect(await readdir(dir)).toEqual([]);
  });

  it('never overwrites: a key collision fails and keeps the first', async () => {
    const first = png(10);
    await storeUpload(source(first), { dir, maxBytes: MAX, newKey: () => KEY_1 });
    const again = storeUpload(source(png(20)),
      { dir, maxBytes: MAX, newKey: () => KEY_1 });
    await expect(again).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(dir, KEY_1))).toEqual(first);
  });

  it.each([NaN, 0, -1, 1.5, Infinity])(
    'refuses a cap of %s rather than store without one', async (maxBytes) => {
      await expect(storeUpload(source(png()), { dir, maxBytes,
        newKey: () => KEY_1 })).rejects.toThrow(RangeError);
      expect(await readdir(dir)).toEqual([]);
    });

  it('refuses a key that is not a UUID', async () => {
    await expect(storeUpload(source(png()), { dir, maxBytes: MAX,
      newKey: () => '../escape' })).rejects.toThrow(TypeError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports why with a typed error', async () => {
    await expect(storeUpload(source(Buffer.from('GIF89a-and-more')),
      { dir, maxBytes: MAX, newKey: () => KEY_1 }))
      .rejects.toMatchObject({ name: 'UploadError', reason: 'type-not-allowed' });
    expect(new UploadError('empty', 'x').reason).toBe('empty');
  });
});

describe('displayName', () => {
  it.each<[string, string]>([
    ['../../etc/passwd', 'passwd.png'],
    ['..\\..\\windows\\win.ini', 'win.png'],
    ['shell.php', 'shell.png'],
    ['photo.png.php', 'photo.png.png'],
    ['a.php\u0000.png', 'a.php_.png'],
    ['invoice\u202Egnp.exe', 'invoice_gnp.png'],
    ['.htaccess', 'htaccess.png'],
    ['-rf .png', 'rf .png'],
    ['..', 'file.png'],
    ['', 'file.png'],
    ['a\r\nSet-Cookie: x=1.png', 'a__Set-Cookie_ x_1.png'],
    ['Café.PNG', 'Café.png'],
  ])('%j becomes %j', (raw, shown) => {
    expect(displayName(raw, PNG_TYPE)).toBe(shown);
  });

  it('keeps an extension the type allows and caps the length', () => {
    expect(displayName('scan.jpeg', ALLOWED_TYPES[1]!)).toBe('scan.jpeg');
    expect(displayName('cv.PDF', PDF_TYPE)).toBe('cv.pdf');
    const long = displayName(`${'字'.repeat(500)}.pdf`, PDF_TYPE);
    expect([...long]).toHaveLength(94);
  });
});

describe('contentDisposition', () => {
  it('cannot break out of the header or the quoted string', () => {
    const value = contentDisposition('a"b\\c%d\r\n;e\'(f)*.png');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toBe(`attachment; filename="a_b_c_d;e'(f)*.png"; `
      + `filename*=UTF-8''a%22b%5Cc%25d%0D%0A%3Be%27%28f%29%2A.png`);
  });

  it('falls back to "file" when nothing ASCII is left', () => {
    expect(contentDisposition('東京.pdf')).toBe(`attachment; filename="file.pdf"; `
      + `filename*=UTF-8''%E6%9D%B1%E4%BA%AC.pdf`);
    expect(contentDisposition('東京')).toMatch(/^attachment; filename="file";/);
  });
});
