/**
 * S3 presigned URLs with AWS's own SDK: the app decides who may read or
 * write which object, then hands the client a short-lived URL signed with
 * SigV4, and the bytes go straight to S3. Nothing here calls AWS except
 * `verifyUpload` (a HEAD); signing is local computation.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { randomUUID } from 'node:crypto';
import {
  GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** SigV4 refuses presigned URLs valid longer than 7 days. */
export const SIGV4_MAX_EXPIRES = 604_800;
/** This app's ceiling: a presigned URL is a bearer token. */
export const MAX_EXPIRES = 900;
export const DEFAULT_EXPIRES = 300;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface PresignOptions {
  bucket: string;
  key: string;
  /** Seconds the URL stays valid: 1 to MAX_EXPIRES. */
  expiresIn?: number;
  /** Milliseconds since the epoch; the signing time. */
  now?: () => number;
}

// #region client
/**
 * From v3.729.0 the JS SDK adds a CRC32 of the (still empty) body to
 * presigned PUTs by default, a checksum no real file matches.
 * WHEN_REQUIRED signs no checksum the client cannot know yet.
 */
export function s3Client(config: S3ClientConfig): S3Client {
  return new S3Client({
    ...config, requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}
// #endregion client

// #region keys
const EXTENSIONS = new Map([
  ['image/png', 'png'], ['image/jpeg', 'jpg'], ['application/pdf', 'pdf'],
]);

/** The server names the object: never the client's file name. */
export function newObjectKey(ownerId: string, contentType: string,
  random: () => string = randomUUID): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(ownerId)) {
    throw new TypeError('ownerId: 1-64 letters, digits, "_" or "-"');
  }
  const ext = EXTENSIONS.get(contentType);
  if (ext === undefined) {
    throw new RangeError(`contentType: ${JSON.stringify(contentType)} ` +
      `is not one of ${[...EXTENSIONS.keys()].join(', ')}`);
  }
  return `uploads/${ownerId}/${random()}.${ext}`;
}
// #endregion keys

function checkExpiry(expiresIn: number): number {
  if (!Number.isInteger(expiresIn) || expiresIn < 1
    || expiresIn > MAX_EXPIRES) {
    throw new RangeError(`expiresIn: an integer from 1 to ${MAX_EXPIRES}` +
      ` seconds, got ${expiresIn}`);
  }
  return expiresIn;
}

function checkSize(size: number, name: string): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_UPLOAD_BYTES) {
    throw new RangeError(
      `${name}: an integer from 1 to ${MAX_UPLOAD_BYTES}, got ${size}`);
  }
  return size;
}

// #region get
/** A download link; the browser saves the file under `filename`. */
export async function presignGet(client: S3Client,
  { bucket, key, expiresIn = DEFAULT_EXPIRES, now = Date.now,
    filename }: PresignOptions & { filename?: string }): Promise<string> {
  const safeName = (filename ?? 'download').replace(/[^\w.-]/g, '_');
  const command = new GetObjectCommand({
    Bucket: bucket, Key: key,
    ResponseContentDisposition: `attachment; filename="${safeName}"`,
  });
  return getSignedUrl(client, command, {
    expiresIn: checkExpiry(expiresIn), signingDate: new Date(now()),
  });
}
// #endregion get

// #region put
/**
 * A PUT that S3 accepts only with exactly this Content-Type and
 * Content-Length: both are signed headers, so the client must send them.
 */
export async function presignPut(client: S3Client,
  { bucket, key, expiresIn = DEFAULT_EXPIRES, now = Date.now,
    contentType, size }: PresignOptions & { contentType: string;
    size: number }) {
  const command = new PutObjectCommand({
    Bucket: bucket, Key: key,
    ContentType: contentType, ContentLength: checkSize(size, 'size'),
  });
  const url = await getSignedUrl(client, command, {
    expiresIn: checkExpiry(expiresIn), signingDate: new Date(now()),
    // The SDK leaves content-type unsigned unless asked.
    signableHeaders: new Set(['content-type']),
  });
  const headers = {
    'content-type': contentType, 'content-length': String(size),
  };
  return { method: 'PUT' as const, url, headers };
}
// #endregion put

// #region post
/**
 * A browser form upload bounded by a POST policy: S3 checks the size
 * range and the type. `type` is exact ("image/png") or a prefix that
 * ends in "/" ("image/"), which the form's Content-Type must start with.
 * createPresignedPost reads the SDK's clock (Date.now plus the client's
 * clock offset), so it takes no `now`.
 */
export async function presignPost(client: S3Client,
  { bucket, key, expiresIn = DEFAULT_EXPIRES, type, maxBytes }:
  Omit<PresignOptions, 'now'> & { type: string; maxBytes: number }) {
  if (!/^[a-z]+\/[a-z0-9.+-]*$/.test(type)) {
    throw new TypeError(`type: a media type or "type/", got ${type}`);
  }
  const prefix = type.endsWith('/');
  return createPresignedPost(client, {
    Bucket: bucket, Key: key, Expires: checkExpiry(expiresIn),
    Conditions: [
      ['content-length-range', 1, checkSize(maxBytes, 'maxBytes')],
      prefix ? ['starts-with', '$Content-Type', type]
        : ['eq', '$Content-Type', type],
    ],
    // Fields become form fields and exact-match conditions.
    Fields: prefix ? {} : { 'Content-Type': type },
  });
}
// #endregion post

// #region verify
export type UploadCheck =
  | { ok: true; size: number; etag: string }
  | { ok: false; reason: 'missing' | 'too-large' | 'empty' | 'wrong-type' };

/** After the client says "done": trust S3's metadata, not the client. */
export async function verifyUpload(client: S3Client, { bucket, key,
  contentType, maxBytes }: { bucket: string; key: string;
  contentType: string; maxBytes: number }): Promise<UploadCheck> {
  let head;
  try {
    head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } })
      .$metadata?.httpStatusCode;
    if (status === 404) return { ok: false, reason: 'missing' };
    throw error;
  }
  const size = head.ContentLength ?? 0;
  if (size < 1) return { ok: false, reason: 'empty' };
  if (size > maxBytes) return { ok: false, reason: 'too-large' };
  if (head.ContentType !== contentType) {
    return { ok: false, reason: 'wrong-type' };
  }
  return { ok: true, size, etag: head.ETag ?? '' };
}
// #endregion verify

if (import.meta.main) {
  const client = s3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) },
  });
  const now = () => Date.UTC(2026, 11, 2, 9, 0, 0);
  const key = newObjectKey('user_42', 'image/png', () => 'f47ac10b');
  const put = await presignPut(client,
    { bucket: 'app-uploads', key, contentType: 'image/png', size: 48_213, now });
  const url = new URL(put.url);
  console.log('PUT', url.pathname);
  for (const name of ['X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders']) {
    console.log(` ${name}=${url.searchParams.get(name)}`);
  }
  console.log(' must send', put.headers);
  try {
    await presignGet(client, { bucket: 'app-uploads', key, expiresIn: 86_400 });
  } catch (error) {
    console.log('GET for a day:', (error as Error).message);
  }
}
