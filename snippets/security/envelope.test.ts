import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type Context, contextBytes, DecryptionError, decrypt, encrypt,
  EnvelopeFormatError, KEY_BYTES, MAX_PLAINTEXT_BYTES, NONCE_BYTES, open,
  parseEnvelope, rewrap, seal, TAG_BYTES,
} from './envelope.ts';
import { type Kek, localKeyRing, UnknownKekError } from './key-ring.ts';

const kek = (id: string): Kek => ({ id, key: randomBytes(KEY_BYTES) });
const K1 = kek('kek-1');
const K2 = kek('kek-2');
const ROW: Context = { table: 'integrations', column: 'api_token', id: '42' };
const SECRET = 'sk_live_0123456789abcdefghijklmn';

/** Flips one bit of one base64url part (1 = KEK id … 3 = data). */
function flip(envelope: string, part: 2 | 3, byte: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[byte < 0 ? bytes.length + byte : byte]! ^= 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('seal and open (AES-256-GCM)', () => {
  const key = randomBytes(KEY_BYTES);
  const aad = Buffer.from('ctx');

  it('lays out nonce, ciphertext and a 16-byte tag', () => {
    const sealed = seal(key, Buffer.from('hello'), aad);
    expect(sealed.length).toBe(NONCE_BYTES + 5 + TAG_BYTES);
    expect(open(key, sealed, aad).toString()).toBe('hello');
  });

  it('uses a fresh random nonce: same input, different output', () => {
    const a = seal(key, Buffer.from('same'), aad);
    const b = seal(key, Buffer.from('same'), aad);
    expect(a.subarray(0, NONCE_BYTES)).not.toEqual(b.subarray(0, NONCE_BYTES));
    expect(a).not.toEqual(b);
  });

  it('rejects every flipped bit: nonce, ciphertext, tag', () => {
    const sealed = seal(key, Buffer.from('attack at dawn'), aad);
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 0x80;
      expect(() => open(key, bad, aad)).toThrow(DecryptionError);
    }
  });

  it('rejects a wrong key and a wrong AAD', () => {
    const sealed = seal(key, Buffer.from('x'), aad);
    expect(() => open(randomBytes(KEY_BYTES), sealed, aad)).toThrow(DecryptionError);
    expect(() => open(key, sealed, Buffer.from('ctx2'))).toThrow(DecryptionError);
    expect(() => open(key, sealed, Buffer.alloc(0))).toThrow(DecryptionError);
  });

  it('refuses a truncated tag instead of checking fewer bits', () => {
    const sealed = seal(key, Buffer.from('short tag'), aad);
    // Drop 12 of the 16 tag bytes: GCM would accept a 4-byte tag if asked.
    expect(() => open(key, sealed.subarray(0, sealed.length - 12), aad))
      .toThrow(DecryptionError);
    expect(() => open(key, sealed.subarray(0, NONCE_BYTES + 3), aad))
      .toThrow(DecryptionError);
  });

  it('rejects bad keys, oversized plaintext and a broken nonce source', () => {
    expect(() => seal(Buffer.alloc(16), Buffer.from('x'), aad)).toThrow(/32 bytes/);
    expect(() => open(Buffer.alloc(31), Buffer.alloc(40), aad)).toThrow(/32 bytes/);
    expect(() => seal(key, Buffer.alloc(MAX_PLAINTEXT_BYTES + 1), aad))
      .toThrow(RangeError);
    expect(() => seal(key, Buffer.from('x'), aad, () => new Uint8Array(8)))
      .toThrow(/nonce/);
    expect(seal(key, Buffer.alloc(MAX_PLAINTEXT_BYTES), aad).length)
      .toBe(NONCE_BYTES + MAX_PLAINTEXT_BYTES + TAG_BYTES);
  });

  it('round-trips an empty value', () => {
    expect(open(key, seal(key, Buffer.alloc(0), aad), aad).length).toBe(0);
  });
});

describe('envelope encryption', () => {
  const ring = localKeyRing([K1], 'kek-1');

  it('round-trips and stores the KEK id, not the KEK', async () => {
    const stored = await encrypt(ring, SECRET, ROW);
    expect(stored).toMatch(/^v1\.kek-1\.[\w-]{80}\.[\w-]+$/);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(Buffer.from(K1.key).toString('base64url'));
    expect((await decrypt(ring, stored, ROW)).toString()).toBe(SECRET);
  });

  it('gives each value its own data key', async () => {
    const a = parseEnvelope(await encrypt(ring, SECRET, ROW));
    const b = parseEnvelope(await encrypt(ring, SECRET, ROW));
    expect(a.wrapped).not.toEqual(b.wrapped);
    expect(a.data).not.toEqual(b.data);
  });

  it('fails when the ciphertext is copied to another row or column', async () => {
    const stored = await encrypt(ring, SECRET, ROW);
    for (const other of [
      { ...ROW, id: '43' }, { ...ROW, column: 'webhook_secret' },
      { ...ROW, table: 'users' },
    ]) {
      await expect(decrypt(ring, stored, other)).rejects.toThrow(DecryptionError);
    }
  });

  it('fails when the data key of another row is swapped in', async () => {
    const mine = (await encrypt(ring, SECRET, ROW)).split('.');
    const row43 = { ...ROW, id: '43' };
    const theirs = (await encrypt(ring, 'other', row43)).split('.');
    const spliced = [mine[0], mine[1], theirs[2], mine[3]].join('.');
    await expect(decrypt(ring, spliced, ROW)).rejects.toThrow(DecryptionError);
  });

  it('fails on a flipped bit in the wrapped key or in the data', async () => {
    const stored = await encrypt(ring, SECRET, ROW);
    for (const [part, byte] of [[2, 0], [2, 20], [2, -1], [3, 0], [3, 15], [3, -1]] as const) {
      await expect(decrypt(ring, flip(stored, part, byte), ROW))
        .rejects.toThrow(DecryptionError);
    }
  });

  it('fails when the KEK id is edited to another known KEK', async () => {
    const both = localKeyRing([K1, K2], 'kek-1');
    const stored = await encrypt(both, SECRET, ROW);
    const edited = stored.replace('.kek-1.', '.kek-2.');
    await expect(decrypt(both, edited, ROW)).rejects.toThrow(DecryptionError);
  });

  it('context parts cannot be shifted to collide', () => {
    const a = contextBytes({ table: 'a:b', column: 'c', id: '1' });
    const b = contextBytes({ table: 'a', column: 'b:c', id: '1' });
    expect(a.equals(b)).toBe(false);
    expect(() => contextBytes({ table: '', column: 'c', id: '1' })).toThrow(RangeError);
    expect(() => contextBytes({ table: 't', column: 'c', id: 'x'.repeat(201) }))
      .toThrow(RangeError);
  });

  it('rejects malformed envelopes with EnvelopeFormatError', async () => {
    const stored = await encrypt(ring, SECRET, ROW);
    const [, k, w, d] = stored.split('.');
    for (const bad of [
      '', 'v1', `v2.${k}.${w}.${d}`, `v1.${k}.${w}`, `v1.${k}.${w}.${d}.x`,
      `v1.${k}.${w}+.${d}`, `v1.${k}.${w}.${d}=`, `v1.${'k'.repeat(65)}.${w}.${d}`,
      `v1.${k}.${w}.${'A'.repeat(300_000)}`,
    ]) {
      await expect(decrypt(ring, bad, ROW)).rejects.toThrow(EnvelopeFormatError);
    }
  });

  it('rejects a non-canonical base64url part: one value, one spelling', async () => {
    // 12 + 1 + 16 = 29 bytes of data: the last base64url character has two
    // spare bits, so flipping the lowest one spells the same bytes.
    const parts = (await encrypt(ring, 'x', ROW)).split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(parts[3]!.at(-1)!) ^ 1]!;
    const respelled = parts[3]!.slice(0, -1) + sibling;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(parts[3]!, 'base64url'));
    const envelope = [...parts.slice(0, 3), respelled].join('.');
    await expect(decrypt(ring, envelope, ROW)).rejects.toThrow(EnvelopeFormatError);
  });

  it('zeroes the unwrapped data key after decrypt and rewrap', async () => {
    const handed: Buffer[] = [];
    const spy = (inner: ReturnType<typeof localKeyRing>) => ({
      currentId: inner.currentId,
      wrap: inner.wrap,
      async unwrap(w: Parameters<typeof inner.unwrap>[0], aad: Uint8Array) {
        const dek = await inner.unwrap(w, aad);
        handed.push(dek);
        return dek;
      },
    });
    const stored = await encrypt(ring, SECRET, ROW);
    expect((await decrypt(spy(ring), stored, ROW)).toString()).toBe(SECRET);
    await rewrap(spy(localKeyRing([K1, K2], 'kek-2')), stored, ROW);
    expect(handed).toHaveLength(2);
    for (const dek of handed) expect(dek.equals(Buffer.alloc(KEY_BYTES))).toBe(true);
  });

  it('zeroes the data key once it is wrapped', async () => {
    const seen: Buffer[] = [];
    const spy = (size: number) => {
      const b = randomBytes(size);
      if (size === KEY_BYTES) seen.push(b);
      return b;
    };
    await encrypt(ring, SECRET, ROW, spy);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.equals(Buffer.alloc(KEY_BYTES))).toBe(true);
    await expect(encrypt(ring, SECRET, ROW, (n) => randomBytes(n - 1)))
      .rejects.toThrow(/key source/);
  });
});

describe('KEK rotation', () => {
  it('re-wraps the data key and leaves the data bytes alone', async () => {
    const old = localKeyRing([K1], 'kek-1');
    const stored = await encrypt(old, SECRET, ROW);
    const rotating = localKeyRing([K1, K2], 'kek-2');
    const moved = await rewrap(rotating, stored, ROW);
    expect(moved.split('.')[1]).toBe('kek-2');
    expect(moved.split('.')[3]).toBe(stored.split('.')[3]);
    expect(moved.split('.')[2]).not.toBe(stored.split('.')[2]);
    const retired = localKeyRing([K2], 'kek-2');
    expect((await decrypt(retired, moved, ROW)).toString()).toBe(SECRET);
  });

  it('needs the old KEK until every row is re-wrapped', async () => {
    const stored = await encrypt(localKeyRing([K1], 'kek-1'), SECRET, ROW);
    const retired = localKeyRing([K2], 'kek-2');
    await expect(decrypt(retired, stored, ROW)).rejects.toThrow(UnknownKekError);
    await expect(rewrap(retired, stored, ROW)).rejects.toThrow(UnknownKekError);
  });

  it('is a no-op for a value already under the current KEK', async () => {
    const ring = localKeyRing([K1, K2], 'kek-2');
    const stored = await encrypt(ring, SECRET, ROW);
    expect(await rewrap(ring, stored, ROW)).toBe(stored);
  });

  it('keeps the row binding: a rewrap in the wrong row fails', async () => {
    const stored = await encrypt(localKeyRing([K1], 'kek-1'), SECRET, ROW);
    const rotating = localKeyRing([K1, K2], 'kek-2');
    await expect(rewrap(rotating, stored, { ...ROW, id: '7' }))
      .rejects.toThrow(DecryptionError);
  });
});

describe('nothing secret in errors or printouts', () => {
  it('errors name no key, plaintext or context value', async () => {
    const ring = localKeyRing([K1], 'kek-1');
    const stored = await encrypt(ring, SECRET, ROW);
    const error = await decrypt(ring, flip(stored, 3, 5), ROW).catch((e) => e);
    const text = `${error.message} ${error.stack}`;
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(K1.key).toString('hex'));
    expect(text).not.toContain(Buffer.from(K1.key).toString('base64'));
  });

  it('printing the ring shows no key bytes', () => {
    const ring = localKeyRing([K1, K2], 'kek-2');
    const printed = `${inspect(ring, { depth: 10, showHidden: true })} ${JSON.stringify(ring)}`;
    for (const { key } of [K1, K2]) {
      expect(printed).not.toContain(Buffer.from(key).toString('hex'));
      expect(printed).not.toContain(Buffer.from(key).toString('base64'));
    }
  });
});
