/**
 * File upload through an API: the body streams to disk under a random
 * key, counted (refused past the cap), hashed (SHA-256) and typed by its
 * magic bytes on the way. Any failure deletes the partial file. The
 * client's name is kept as display metadata only, and downloads go out
 * with the detected type, `nosniff` and an RFC 6266 attachment name.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../http/error-catalog.ts';
import {
  useProblemErrors, type ErrorLog, type ProblemEnv,
} from '../http/error-middleware.ts';
import { SNIFF_BYTES, sniff, type FileType } from './file-type.ts';

export type UploadFailure = 'too-large' | 'type-not-allowed' | 'empty';
export class UploadError extends Error {
  override name = 'UploadError';
  readonly reason: UploadFailure;
  constructor(reason: UploadFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface StoredFile {
  key: string; type: FileType; size: number; sha256: Buffer;
}
/** Keys are ours, never the client's: a UUID cannot hold `../`. */
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// #region store
/** Streams `body` to `dir/<random key>`, or throws and leaves nothing. */
export async function storeUpload(body: AsyncIterable<Uint8Array>,
  opts: { dir: string; maxBytes: number; newKey?: () => string },
): Promise<StoredFile> {
  if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 1) {
    throw new RangeError('maxBytes must be a positive integer'); // NaN!
  }
  const key = (opts.newKey ?? randomUUID)();
  if (!KEY.test(key)) throw new TypeError('storage keys must be UUIDs');
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let type: FileType | undefined;
  const inspect = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > opts.maxBytes) { // stop reading; the pipeline unwinds
        return done(new UploadError('too-large',
          `The file is over ${opts.maxBytes} bytes.`));
      }
      if (!type && head.length < SNIFF_BYTES) { // may span chunks
        head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
        if (head.length === SNIFF_BYTES && !(type = sniff(head))) {
          return done(notAllowed());
        }
      }
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) { // a file shorter than SNIFF_BYTES is decided here
      if (size === 0) return done(new UploadError('empty', 'No content.'));
      type ??= sniff(head);
      done(type ? null : notAllowed());
    },
  });
  // 'wx': fail rather than overwrite. Created before the try, so a
  // collision never deletes the file that was there first.
  const file = await open(join(opts.dir, key), 'wx', 0o600);
  try {
    await pipeline(body, inspect, file.createWriteStream());
  } catch (error) {
    await rm(join(opts.dir, key), { force: true }); // no partial file
    throw error;
  }
  return { key, type: type!, size, sha256: hash.digest() };
}

const notAllowed = () => new UploadError('type-not-allowed',
  'Only PNG, JPEG and PDF files are accepted.');
// #endregion store

// #region names
/** The client's file name, for display only: no path, no control or
 *  invisible characters, at most 100 code points, and the extension of
 *  the type the bytes proved, never the one the client claimed. */
export function displayName(raw: string, type: FileType): string {
  const base = raw.split(/[\\/]/).at(-1)!.normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}\p{Zs}._()-]/gu, '_')
    .replace(/\.{2,}/g, '.').replace(/^[.\s-]+/, '').trim();
  const dot = base.lastIndexOf('.');
  const stem = [...(dot > 0 ? base.slice(0, dot) : base)]
    .slice(0, 90).join('') || 'file';
  const ext = base.slice(dot + 1).toLowerCase();
  return `${stem}.${type.extensions.includes(ext) && dot > 0
    ? ext : type.extensions[0]}`;
}

/** RFC 6266 §4.3: an ASCII `filename` for old clients, then the UTF-8
 *  `filename*` (RFC 8187) that current ones prefer. */
export function contentDisposition(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\%]/g, '_') // nothing left of the stem: "file.pdf"
    .replace(/^[\s.]*(\.[^.]*)?$/, 'file$1');
  const encoded = encodeURIComponent(name) // RFC 8187 attr-char only
    .replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`
      .toUpperCase());
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
// #endregion names

// #region routes
interface FileRecord extends StoredFile { name: string }

export function createFileApp(opts: { dir: string; maxBytes: number;
  log: ErrorLog; newKey?: () => string }) {
  const files = new Map<string, FileRecord>(); // a table in production
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: opts.log });
  app.post('/files', async (c) => {
    const length = Number(c.req.header('Content-Length'));
    if (length > opts.maxBytes) throw new HTTPException(413); // unread
    const body = c.req.raw.body;
    if (!body) throw new AppError('malformed-request', { detail: 'No file.' });
    const stored = await storeUpload(body, opts).catch(toHttpError);
    const record = { ...stored,
      name: displayName(c.req.query('name') ?? '', stored.type) };
    files.set(stored.key, record);
    c.header('Location', `/files/${stored.key}`);
    return c.json({ id: stored.key, name: record.name, size: stored.size,
      type: stored.type.mime, sha256: stored.sha256.toString('hex') }, 201);
  });
  app.get('/files/:key', (c) => {
    const file = files.get(c.req.param('key')); // a lookup, not a path
    if (!file) throw new AppError('not-found');
    const stream = createReadStream(join(opts.dir, file.key));
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        'Content-Type': file.type.mime, // what the bytes proved
        'Content-Length': String(file.size),
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': contentDisposition(file.name),
        'Repr-Digest': `sha-256=:${file.sha256.toString('base64')}:`,
      },
    });
  });
  return app;
}

function toHttpError(error: unknown): never {
  if (!(error instanceof UploadError)) throw error;
  if (error.reason === 'too-large') throw new HTTPException(413);
  throw error.reason === 'empty'
    ? new AppError('malformed-request', { detail: error.message })
    : new AppError('unsupported-media-type', { detail: error.message });
}
// #endregion routes

if (import.meta.main) {
  const dir = await mkdtemp(join(tmpdir(), 'uploads-'));
  let n = 0;
  const app = createFileApp({ dir, maxBytes: 1024, log: () => {},
    newKey: () => `00000000-0000-4000-8000-00000000000${++n}` });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'),
    Buffer.alloc(64)]);
  const tries: [string, string, Buffer][] = [
    ['../../Café(1).png', 'image/png', png],
    ['cat.png', 'image/png', Buffer.from('<html><script>alert(1)')],
    ['big.pdf', 'application/pdf', Buffer.concat([
      Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048)])],
  ];
  for (const [name, type, bytes] of tries) {
    const res = await app.request(`/files?name=${encodeURIComponent(name)}`,
      { method: 'POST', body: bytes, headers: { 'Content-Type': type } });
    const json = await res.json() as Record<string, string>;
    console.log(`${name.padEnd(18)} ${res.status} ${res.status === 201
      ? `${json.name} ${json.type} sha256 ${json.sha256?.slice(0, 12)}…`
      : json.detail ?? json.title}`);
  }
  console.log('files on disk:', (await readdir(dir)).length);
  const get = await app.request(`/files/00000000-0000-4000-8000-000000000001`);
  for (const h of ['content-type', 'x-content-type-options',
    'content-disposition']) console.log(`${h}: ${get.headers.get(h)}`);
  await get.body?.cancel();
  const probe = await app.request('/files/..%2F..%2Fetc%2Fpasswd');
  console.log('GET /files/..%2F..%2Fetc%2Fpasswd', probe.status);
  await rm(dir, { recursive: true });
}
