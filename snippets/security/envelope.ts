/**
 * Envelope encryption with AES-256-GCM from `node:crypto`: each value gets
 * a fresh 256-bit data key (DEK); the DEK encrypts the value and a
 * key-encryption key (KEK) in a KMS wraps the DEK. The stored string keeps
 * the KEK's id and the wrapped DEK beside the ciphertext, so rotating the
 * KEK re-wraps 60 bytes per value and never touches the data.
 * @see https://csrc.nist.gov/pubs/sp/800/38/d/final
 * @see https://nodejs.org/api/crypto.html#cryptocreatecipherivalgorithm-key-iv-options
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
 */
import {
  createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes,
} from 'node:crypto';
// A cycle, safe: key-ring.ts uses these exports only inside functions.
import { type KeyRing, localKeyRing } from './key-ring.ts';

// #region seal
export const KEY_BYTES = 32; // AES-256
export const NONCE_BYTES = 12; // 96 bits, SP 800-38D §5.2.1.1
export const TAG_BYTES = 16; // 128 bits, the longest tag GCM allows
export const MAX_PLAINTEXT_BYTES = 64 * 1024; // a field, not a file

export type RandomBytes = (size: number) => Uint8Array;

/** Wrong key, wrong context, or bytes changed: one answer for all three. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/** `nonce ‖ ciphertext ‖ tag`. `aad` is authenticated but not stored. */
export function seal(key: Uint8Array, plaintext: Uint8Array,
  aad: Uint8Array, random: RandomBytes = nodeRandomBytes): Buffer {
  checkKey(key);
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new RangeError(`plaintext over ${MAX_PLAINTEXT_BYTES} bytes`);
  }
  const nonce = Buffer.from(random(NONCE_BYTES)); // random, never reused
  if (nonce.length !== NONCE_BYTES) throw new RangeError('bad nonce source');
  const cipher = createCipheriv('aes-256-gcm', key, nonce,
    { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** The plaintext, only after the tag verified; else DecryptionError. */
export function open(key: Uint8Array, sealed: Uint8Array,
  aad: Uint8Array): Buffer {
  checkKey(key);
  const bytes = Buffer.from(sealed);
  if (bytes.length < NONCE_BYTES + TAG_BYTES) {
    throw new DecryptionError('ciphertext too short');
  }
  const end = bytes.length - TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', key,
    bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(bytes.subarray(end));
  const out = decipher.update(bytes.subarray(NONCE_BYTES, end));
  try {
    return Buffer.concat([out, decipher.final()]); // final checks the tag
  } catch {
    out.fill(0); // unauthenticated bytes: never hand them out
    throw new DecryptionError('authentication failed');
  }
}
// #endregion seal

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) {
    throw new RangeError(`key must be ${KEY_BYTES} bytes`);
  }
}

// #region envelope
/** Where a value lives. Bound into both AADs, so it cannot be moved. */
export interface Context { table: string; column: string; id: string }

/** JSON, not `a:b:c`, so no two contexts give the same bytes. */
export function contextBytes({ table, column, id }: Context): Buffer {
  for (const part of [table, column, id]) {
    if (typeof part !== 'string' || part === '' || part.length > 200) {
      throw new RangeError('context parts must be 1-200 characters');
    }
  }
  return Buffer.from(JSON.stringify([table, column, id]));
}

/** `v1.<kekId>.<wrapped DEK>.<sealed value>`, base64url parts. */
export async function encrypt(ring: KeyRing, plaintext: string | Uint8Array,
  ctx: Context, random: RandomBytes = nodeRandomBytes): Promise<string> {
  const aad = contextBytes(ctx);
  const bytes = typeof plaintext === 'string'
    ? Buffer.from(plaintext, 'utf8') : plaintext;
  const raw = random(KEY_BYTES); // one data key per value
  const dek = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dek.length !== KEY_BYTES) throw new RangeError('bad key source');
  try {
    const data = seal(dek, bytes, aad, random);
    const { kekId, wrapped } = await ring.wrap(dek, aad);
    return ['v1', kekId, b64(wrapped), b64(data)].join('.');
  } finally {
    dek.fill(0);
  }
}

export async function decrypt(ring: KeyRing, envelope: string,
  ctx: Context): Promise<Buffer> {
  const aad = contextBytes(ctx);
  const { kekId, wrapped, data } = parseEnvelope(envelope);
  const dek = await ring.unwrap({ kekId, wrapped }, aad);
  try {
    return open(dek, data, aad);
  } finally {
    dek.fill(0);
  }
}

/** KEK rotation: unwrap with the old KEK, wrap with the current one. */
export async function rewrap(ring: KeyRing, envelope: string,
  ctx: Context): Promise<string> {
  const aad = contextBytes(ctx);
  const { kekId, wrapped, data } = parseEnvelope(envelope);
  if (kekId === ring.currentId) return envelope;
  const dek = await ring.unwrap({ kekId, wrapped }, aad);
  try {
    const again = await ring.wrap(dek, aad);
    return ['v1', again.kekId, b64(again.wrapped), b64(data)].join('.');
  } finally {
    dek.fill(0);
  }
}
// #endregion envelope

/** Not an envelope this module wrote: a bug or a corrupted row. */
export class EnvelopeFormatError extends Error {
  override name = 'EnvelopeFormatError';
}

const MAX_ENVELOPE = 4 * MAX_PLAINTEXT_BYTES;
const PART = /^[A-Za-z0-9_-]+$/;

export function parseEnvelope(envelope: string) {
  if (typeof envelope !== 'string' || envelope.length > MAX_ENVELOPE) {
    throw new EnvelopeFormatError('envelope missing or too long');
  }
  const parts = envelope.split('.');
  const [version, kekId, wrapped, data] = parts;
  if (parts.length !== 4 || version !== 'v1') {
    throw new EnvelopeFormatError('expected v1.<kek>.<key>.<data>');
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(kekId!)) {
    throw new EnvelopeFormatError('bad KEK id');
  }
  return { kekId: kekId!, wrapped: unb64(wrapped!), data: unb64(data!) };
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function unb64(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (!PART.test(text) || b64(bytes) !== text) { // canonical only
    throw new EnvelopeFormatError('bad base64url');
  }
  return bytes;
}

if (import.meta.main) {
  // Demo only: real KEKs live in a KMS; these bytes are never printed.
  const kek1 = { id: 'kek-2026-01', key: nodeRandomBytes(KEY_BYTES) };
  const kek2 = { id: 'kek-2026-07', key: nodeRandomBytes(KEY_BYTES) };
  const token = 'sk_live_' + 'x'.repeat(24); // a customer's API token
  const row42 = { table: 'integrations', column: 'api_token', id: '42' };
  const ring = localKeyRing([kek1], kek1.id);
  const stored = await encrypt(ring, token, row42);
  const [v, kek, dek, data] = stored.split('.');
  console.log(`stored: ${v}.${kek}.<${dek!.length} chars>.<${data!.length} chars>`);
  const back = await decrypt(ring, stored, row42);
  console.log(`decrypts in row 42: ${back.toString() === token}`);
  const row43 = { ...row42, id: '43' };
  await decrypt(ring, stored, row43)
    .catch((e: Error) => console.log(`copied to row 43: ${e.name}`));
  const bytes = Buffer.from(data!, 'base64url');
  bytes[20]! ^= 1; // one bit of the ciphertext
  const flipped = [v, kek, dek, bytes.toString('base64url')].join('.');
  await decrypt(ring, flipped, row42)
    .catch((e: Error) => console.log(`one byte changed: ${e.name}`));
  const rotated = localKeyRing([kek1, kek2], kek2.id);
  const moved = await rewrap(rotated, stored, row42);
  console.log(`rewrapped to: ${moved.split('.')[1]}; data part unchanged: ` +
    `${moved.split('.')[3] === data}`);
  const retired = localKeyRing([kek2], kek2.id);
  console.log(`kek-2026-01 retired, decrypts: ` +
    `${(await decrypt(retired, moved, row42)).toString() === token}`);
  await decrypt(retired, stored, row42)
    .catch((e: Error) => console.log(`a row not rewrapped: ${e.name}`));
}
