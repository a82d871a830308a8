import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, KEY_BYTES } from './envelope.ts';
import {
  GCM_RANDOM_NONCE_LIMIT, type Kek, localKeyRing, UnknownKekError,
} from './key-ring.ts';

const kek = (id: string): Kek => ({ id, key: randomBytes(KEY_BYTES) });
const AAD = Buffer.from('["t","c","1"]');

describe('localKeyRing', () => {
  it('wraps with the current KEK and unwraps by the stored id', async () => {
    const ring = localKeyRing([kek('a'), kek('b')], 'b');
    const dek = randomBytes(32);
    const w = await ring.wrap(dek, AAD);
    expect(w.kekId).toBe('b');
    expect(w.wrapped.length).toBe(12 + 32 + 16);
    expect(await ring.unwrap(w, AAD)).toEqual(dek);
  });

  it('binds the KEK id: a wrapped key relabelled to another KEK fails', async () => {
    const shared = randomBytes(KEY_BYTES); // same bytes under two ids
    const ring = localKeyRing([{ id: 'a', key: shared }, { id: 'b', key: shared }], 'a');
    const w = await ring.wrap(randomBytes(32), AAD);
    await expect(ring.unwrap({ ...w, kekId: 'b' }, AAD)).rejects.toThrow(DecryptionError);
  });

  it('says which KEK is missing, without key material', async () => {
    const a = kek('a');
    const w = await localKeyRing([a], 'a').wrap(randomBytes(32), AAD);
    const error = await localKeyRing([kek('b')], 'b').unwrap(w, AAD).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownKekError);
    expect(error.message).toMatch(/no KEK "a"/);
    expect(error.message).not.toContain(Buffer.from(a.key).toString('hex'));
  });

  it('refuses to wrap past the per-KEK limit, so you rotate first', async () => {
    const ring = localKeyRing([kek('a')], 'a', { maxWraps: 2 });
    await ring.wrap(randomBytes(32), AAD);
    await ring.wrap(randomBytes(32), AAD);
    await expect(ring.wrap(randomBytes(32), AAD)).rejects.toThrow(/reached 2 encryptions/);
  });

  it('still unwraps at the limit: only new encryptions stop', async () => {
    const ring = localKeyRing([kek('a')], 'a', { maxWraps: 1 });
    const w = await ring.wrap(randomBytes(32), AAD);
    await expect(ring.wrap(randomBytes(32), AAD)).rejects.toThrow(RangeError);
    expect((await ring.unwrap(w, AAD)).length).toBe(32);
  });

  it('rejects a maxWraps that would switch the limit off or exceed it', () => {
    for (const maxWraps of [Number.NaN, Infinity, 0, -1, 1.5, GCM_RANDOM_NONCE_LIMIT + 1]) {
      expect(() => localKeyRing([kek('a')], 'a', { maxWraps }), String(maxWraps))
        .toThrow(/maxWraps/);
    }
    expect(() => localKeyRing([kek('a')], 'a', { maxWraps: GCM_RANDOM_NONCE_LIMIT }))
      .not.toThrow();
  });

  it('wraps only 32-byte data keys', async () => {
    const ring = localKeyRing([kek('a')], 'a');
    for (const size of [0, 16, 31, 33]) {
      await expect(ring.wrap(randomBytes(size), AAD)).rejects.toThrow(/data key/);
    }
  });

  it('defaults to the SP 800-38D random-nonce limit, 2^32', () => {
    expect(GCM_RANDOM_NONCE_LIMIT).toBe(4_294_967_296);
  });

  it('copies KEK bytes, so a caller zeroing its buffer changes nothing', async () => {
    const k = kek('a');
    const ring = localKeyRing([k], 'a');
    const w = await ring.wrap(randomBytes(32), AAD);
    k.key.fill(0);
    expect((await ring.unwrap(w, AAD)).length).toBe(32);
  });

  it('rejects bad configuration at start-up', () => {
    expect(() => localKeyRing([kek('a')], 'b')).toThrow(UnknownKekError);
    expect(() => localKeyRing([kek('a'), kek('a')], 'a')).toThrow(/twice/);
    expect(() => localKeyRing([{ id: 'a', key: randomBytes(16) }], 'a')).toThrow(/32 bytes/);
    expect(() => localKeyRing([kek('a.b')], 'a.b')).toThrow(/bad KEK id/);
    expect(() => localKeyRing([kek('')], '')).toThrow(/bad KEK id/);
  });
});
