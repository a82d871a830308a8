import { createHash, createHmac } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner, getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_EXPIRES, MAX_UPLOAD_BYTES, SIGV4_MAX_EXPIRES, newObjectKey, presignGet,
  presignPost, presignPut, s3Client, verifyUpload,
} from './presigned-urls.ts';

// AWS's example keys from the S3 API reference; not real credentials.
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const credentials = { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET };
const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const now = () => NOW;
const client = s3Client({ region: 'eu-west-1', credentials });

/**
 * S3's side of a presigned URL, written from the SigV4 documentation
 * independently of the SDK: rebuild the canonical request from what the
 * client actually sends and compare signatures, then check the expiry.
 */
function s3Accepts(href: string, method: string,
  sent: Record<string, string>, at: number, secret = AWS_SECRET): boolean {
  const url = new URL(href);
  const q = url.searchParams;
  const date = q.get('X-Amz-Date') ?? '';
  const scope = (q.get('X-Amz-Credential') ?? '').split('/').slice(1);
  const signed = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  const headers: Record<string, string> = { host: url.host, ...sent };
  const enc = (s: string) => encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...q].filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const canonical = [method, url.pathname, query,
    ...signed.map((h) => `${h}:${headers[h] ?? ''}`), '', signed.join(';'),
    'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', date, scope.join('/'),
    createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer | string = `AWS4${secret}`;
  for (const part of scope) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const start = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1,
    +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15));
  const expires = Number(q.get('X-Amz-Expires'));
  return signature === q.get('X-Amz-Signature') && at <= start + expires * 1000;
}

describe("AWS's documented presigned URL example", () => {
  // S3 API Reference, "Authenticating Requests: Using Query Parameters
  // (AWS Signature Version 4)", section "An example": GET test.txt from
  // examplebucket, 20130524T000000Z, valid 86,400 s, only host signed.
  const EXPECTED =
    'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const presign = (expiresIn: number) => new S3RequestPresigner({
    ...new S3Client({ region: 'us-east-1', credentials }).config,
  }).presign({
    method: 'GET', protocol: 'https:', hostname: 'examplebucket.s3.amazonaws.com',
    path: '/test.txt', query: {}, headers: { host: 'examplebucket.s3.amazonaws.com' },
  }, {
    expiresIn, signingDate: new Date('2013-05-24T00:00:00Z'),
    // The example signs an unsigned payload without listing it in the URL.
    unhoistableHeaders: new Set(['x-amz-content-sha256']),
    unsignableHeaders: new Set(['x-amz-content-sha256']),
  });

  it('the published values follow from the documented inputs alone', () => {
    // The canonical request and its hash as the example prints them; no SDK.
    const canonical = ['GET', '/test.txt',
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE' +
      '%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
      '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
      'host:examplebucket.s3.amazonaws.com', '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
    const hash = createHash('sha256').update(canonical).digest('hex');
    expect(hash).toBe('3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04');
    let key: Buffer | string = `AWS4${AWS_SECRET}`;
    for (const part of ['20130524', 'us-east-1', 's3', 'aws4_request']) {
      key = createHmac('sha256', key).update(part).digest();
    }
    const toSign = ['AWS4-HMAC-SHA256', '20130524T000000Z',
      '20130524/us-east-1/s3/aws4_request', hash].join('\n');
    expect(createHmac('sha256', key).update(toSign).digest('hex')).toBe(EXPECTED);
  });

  it('the SDK presigner reproduces the published signature', async () => {
    const { query } = await presign(86_400);
    expect(query).toEqual({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${AWS_KEY}/20130524/us-east-1/s3/aws4_request`,
      'X-Amz-Date': '20130524T000000Z',
      'X-Amz-Expires': '86400',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': EXPECTED,
    });
  });

  it('the independent check agrees, and one changed input breaks it', async () => {
    const url = 'https://examplebucket.s3.amazonaws.com/test.txt?' +
      new URLSearchParams((await presign(86_400)).query as Record<string, string>);
    const day = Date.UTC(2013, 4, 24);
    expect(s3Accepts(url, 'GET', {}, day)).toBe(true);
    expect(s3Accepts(url.replace('test.txt', 'other.txt'), 'GET', {}, day)).toBe(false);
    expect(s3Accepts(url.replace('86400', '86401'), 'GET', {}, day)).toBe(false);
    expect(s3Accepts(url, 'GET', {}, day, 'wrong-secret')).toBe(false);
    expect((await presign(86_401)).query?.['X-Amz-Signature']).not.toBe(EXPECTED);
  });
});

describe('presignPut', () => {
  const input = { bucket: 'app-uploads', key: 'uploads/u1/k.png',
    contentType: 'image/png', size: 1000, now };

  it('signs Content-Type and Content-Length, so S3 enforces both', async () => {
    const { url, headers } = await presignPut(client, input);
    const q = new URL(url).searchParams;
    expect(q.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(q.get('X-Amz-Expires')).toBe('300');
    expect(q.get('X-Amz-Date')).toBe('20261202T090000Z');
    expect(s3Accepts(url, 'PUT', headers, NOW)).toBe(true);
  });

  it('refuses a bigger body, another type, another method or a late upload', async () => {
    const { url, headers } = await presignPut(client, input);
    expect(s3Accepts(url, 'PUT', { ...headers, 'content-length': '1001' }, NOW)).toBe(false);
    expect(s3Accepts(url, 'PUT', { ...headers, 'content-type': 'text/html' }, NOW)).toBe(false);
    expect(s3Accepts(url, 'GET', headers, NOW)).toBe(false);
    expect(s3Accepts(url, 'PUT', headers, NOW + 300_000)).toBe(true);
    expect(s3Accepts(url, 'PUT', headers, NOW + 300_001)).toBe(false);
  });

  it('bakes no checksum of an empty body into the URL', async () => {
    const { url } = await presignPut(client, input);
    expect(url).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum/i);
    // A plain client does, which is why s3Client() exists.
    const plain = new S3Client({ region: 'eu-west-1', credentials });
    expect((await presignPut(plain, input)).url).toContain('x-amz-checksum-crc32=AAAAAA');
  });

  it('rejects sizes and expiries outside the bounds, with the reason', async () => {
    for (const size of [0, -1, 1.5, MAX_UPLOAD_BYTES + 1]) {
      await expect(presignPut(client, { ...input, size })).rejects.toThrow(/size: an integer/);
    }
    for (const expiresIn of [0, -5, 2.5, MAX_EXPIRES + 1]) {
      await expect(presignPut(client, { ...input, expiresIn })).rejects.toThrow(/expiresIn/);
    }
  });

  it('carries the session token of temporary credentials', async () => {
    const temp = s3Client({ region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE' } });
    const { url } = await presignPut(temp, input);
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');
  });

  it('never puts the secret key in the URL', async () => {
    const { url } = await presignPut(client, input);
    expect(url).not.toContain(AWS_SECRET);
    expect(decodeURIComponent(url)).not.toContain(AWS_SECRET);
  });
});

describe('presignGet', () => {
  it('is short-lived and forces a download under a safe name', async () => {
    const url = await presignGet(client, { bucket: 'b', key: 'exports/e1.csv',
      now, filename: 'report "Q4"\r\n.csv' });
    const q = new URL(url).searchParams;
    expect(q.get('X-Amz-Expires')).toBe('300');
    expect(q.get('response-content-disposition'))
      .toBe('attachment; filename="report__Q4___.csv"');
    expect(s3Accepts(url, 'GET', {}, NOW)).toBe(true);
  });

  it('the SDK itself refuses more than 7 days', async () => {
    expect(SIGV4_MAX_EXPIRES).toBe(7 * 24 * 3600);
    const command = new GetObjectCommand({ Bucket: 'b', Key: 'k' });
    await expect(getSignedUrl(client, command, { expiresIn: SIGV4_MAX_EXPIRES }))
      .resolves.toContain('X-Amz-Expires=604800');
    await expect(getSignedUrl(client, command, { expiresIn: SIGV4_MAX_EXPIRES + 1 }))
      .rejects.toThrow(/less than one week/);
  });
});

describe('newObjectKey', () => {
  it('is the server\'s random name under the owner, not the file name', () => {
    expect(newObjectKey('u_1', 'image/jpeg', () => 'abc')).toBe('uploads/u_1/abc.jpg');
    expect(newObjectKey('u_1', 'image/png')).toMatch(/^uploads\/u_1\/[0-9a-f-]{36}\.png$/);
  });

  it('rejects a traversal owner id and an unlisted type', () => {
    expect(() => newObjectKey('../admin', 'image/png')).toThrow(TypeError);
    expect(() => newObjectKey('u1', 'text/html')).toThrow(/not one of image\/png/);
  });
});

describe('presignPost', () => {
  afterEach(() => { vi.useRealTimers(); });
  const decode = (policy: string | undefined) =>
    JSON.parse(Buffer.from(policy ?? '', 'base64').toString('utf8')) as {
      expiration: string; conditions: unknown[];
    };

  it('puts a size range and an exact type in the signed policy', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const post = await presignPost(client, { bucket: 'app-uploads',
      key: 'uploads/u1/k.png', type: 'image/png', maxBytes: 5_000_000 });
    const policy = decode(post.fields.Policy);
    expect(policy.expiration).toBe('2026-12-02T09:05:00Z');
    expect(policy.conditions).toEqual(expect.arrayContaining([
      ['content-length-range', 1, 5_000_000],
      ['eq', '$Content-Type', 'image/png'],
      { key: 'uploads/u1/k.png' }, { bucket: 'app-uploads' },
    ]));
    expect(post.fields['Content-Type']).toBe('image/png');
    expect(post.fields['X-Amz-Date']).toBe('20261202T090000Z');
    // The signature covers the base64 policy as sent.
    const scope = post.fields['X-Amz-Credential']!.split('/').slice(1);
    let key: Buffer | string = `AWS4${AWS_SECRET}`;
    for (const part of scope) key = createHmac('sha256', key).update(part).digest();
    expect(createHmac('sha256', key).update(post.fields.Policy!).digest('hex'))
      .toBe(post.fields['X-Amz-Signature']);
  });

  it('a type prefix becomes a starts-with condition', async () => {
    const post = await presignPost(client, { bucket: 'b', key: 'k',
      type: 'image/', maxBytes: 1000 });
    expect(decode(post.fields.Policy).conditions).toContainEqual(
      ['starts-with', '$Content-Type', 'image/']);
    expect(post.fields['Content-Type']).toBeUndefined();
  });

  it('rejects a bad type, size or expiry', async () => {
    const base = { bucket: 'b', key: 'k', type: 'image/png', maxBytes: 1000 };
    await expect(presignPost(client, { ...base, type: '' })).rejects.toThrow(/type/);
    await expect(presignPost(client, { ...base, type: 'image/png"' })).rejects.toThrow(/type/);
    await expect(presignPost(client, { ...base, maxBytes: 0 })).rejects.toThrow(/maxBytes/);
    await expect(presignPost(client, { ...base, expiresIn: 3600 })).rejects.toThrow(/expiresIn/);
  });
});

describe('verifyUpload', () => {
  // The real SDK with a stand-in transport: no network.
  const headClient = (status: number, headers: Record<string, string>) => s3Client({
    region: 'eu-west-1', credentials, maxAttempts: 1,
    requestHandler: {
      handle: async () => ({ response: { statusCode: status, headers, body: undefined } }),
    } as never,
  });
  const args = { bucket: 'b', key: 'k', contentType: 'image/png', maxBytes: 1000 };
  const png = { 'content-type': 'image/png', etag: '"e1"' };

  it('accepts what S3 reports within bounds', async () => {
    const c = headClient(200, { ...png, 'content-length': '1000' });
    expect(await verifyUpload(c, args)).toEqual({ ok: true, size: 1000, etag: '"e1"' });
  });

  it('reports missing, empty, oversized and mistyped objects', async () => {
    expect(await verifyUpload(headClient(404, {}), args))
      .toEqual({ ok: false, reason: 'missing' });
    expect(await verifyUpload(headClient(200, { ...png, 'content-length': '0' }), args))
      .toEqual({ ok: false, reason: 'empty' });
    expect(await verifyUpload(headClient(200, { ...png, 'content-length': '1001' }), args))
      .toEqual({ ok: false, reason: 'too-large' });
    const html = { 'content-type': 'text/html', 'content-length': '10' };
    expect(await verifyUpload(headClient(200, html), args))
      .toEqual({ ok: false, reason: 'wrong-type' });
  });

  it('rethrows other failures', async () => {
    await expect(verifyUpload(headClient(403, {}), args)).rejects.toThrow();
  });
});
