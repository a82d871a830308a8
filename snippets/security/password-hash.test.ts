import { describe, expect, it } from 'vitest';
import {
  type Argon2idParams,
  hashPassword,
  MAX_PASSWORD_BYTES,
  needsRehash,
  OWASP_ARGON2ID,
  parsePhc,
  PhcFormatError,
  verifyPassword,
} from './password-hash.ts';

// Cheap parameters keep the suite fast; one test runs the OWASP minimum.
const FAST: Argon2idParams = { memory: 256, passes: 1, parallelism: 1, tagLength: 32 };
const fixedSalt = (byte: number) => () => new Uint8Array(16).fill(byte);
const hashFast = (password: string) => hashPassword(password, FAST);

/** Replaces one `$`-separated field of a PHC string. */
function withField(phc: string, index: number, value: string): string {
  const fields = phc.split('$');
  fields[index] = value;
  return fields.join('$');
}

/** Flips one bit of the decoded salt (index 4) or hash (index 5). */
function flipBit(phc: string, index: 4 | 5): string {
  const bytes = Buffer.from(phc.split('$')[index]!, 'base64');
  bytes[0]! ^= 1;
  return withField(phc, index, bytes.toString('base64').replace(/=+$/, ''));
}

describe('hashPassword and verifyPassword', () => {
  it('round-trips and produces a PHC string', async () => {
    const phc = await hashFast('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse battery staple', phc)).toBe(true);
  });

  it('returns false for wrong and near-miss passwords', async () => {
    const phc = await hashFast('correct horse battery staple');
    for (const guess of ['Correct horse battery staple', 'correct horse battery staple ', 'correct horse', 'x']) {
      expect(await verifyPassword(guess, phc)).toBe(false);
    }
  });

  it('uses a fresh random salt per hash, so equal passwords get different strings', async () => {
    const [a, b] = await Promise.all([hashFast('same password'), hashFast('same password')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('is deterministic for an injected salt, and the salt changes the hash', async () => {
    const one = await hashPassword('pw', FAST, { randomBytes: fixedSalt(1) });
    expect(await hashPassword('pw', FAST, { randomBytes: fixedSalt(1) })).toBe(one);
    expect(await hashPassword('pw', FAST, { randomBytes: fixedSalt(2) })).not.toBe(one);
  });

  it('defaults to the OWASP minimum, m=19456 (19 MiB), t=2, p=1', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(phc.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(parsePhc(phc).params).toEqual(OWASP_ARGON2ID);
    expect(await verifyPassword('correct horse battery staple', phc)).toBe(true);
  });

  it('reproduces the PHC spec example, which uses a pepper as the Argon2 secret', async () => {
    const vector = '$argon2id$v=19$m=65536,t=2,p=1$gZiV/M1gPc22ElAH/Jh1Hw$CWOrkoo7oJBQ/iyh7uJ0LO2aLEfrHwTWllSAxT0zRno';
    const salt = Buffer.from('gZiV/M1gPc22ElAH/Jh1Hw', 'base64');
    const pepper = Buffer.from('pepper');
    const params = { memory: 65_536, passes: 2, parallelism: 1, tagLength: 32 };
    expect(await hashPassword('hunter2', params, { randomBytes: () => salt, pepper })).toBe(vector);
    expect(await verifyPassword('hunter2', vector, { pepper })).toBe(true);
    expect(await verifyPassword('hunter2', vector)).toBe(false); // database alone is not enough
    expect(await verifyPassword('hunter2', vector, { pepper: Buffer.from('pepper2') })).toBe(false);
  });

  it('hashes on the thread pool, leaving the event loop free', async () => {
    let loopTurned = false;
    setImmediate(() => { loopTurned = true; });
    await hashPassword('pw', { ...FAST, memory: 4096 });
    expect(loopTurned).toBe(true); // argon2Sync would resolve before the loop turns
  });
});

describe('password input policy', () => {
  it('rejects an empty password when hashing; an empty guess is simply wrong', async () => {
    await expect(hashFast('')).rejects.toThrow(RangeError);
    expect(await verifyPassword('', await hashFast('pw'))).toBe(false);
  });

  it(`accepts up to ${MAX_PASSWORD_BYTES} UTF-8 bytes and rejects one more`, async () => {
    const longest = 'a'.repeat(MAX_PASSWORD_BYTES);
    expect(await verifyPassword(longest, await hashFast(longest))).toBe(true);
    await expect(hashFast(`${longest}a`)).rejects.toThrow(/password must be 1-1024 bytes/);
  });

  it('measures bytes, not characters: 342 euro signs are 1,026 bytes', async () => {
    await expect(hashFast('€'.repeat(341))).resolves.toMatch(/^\$argon2id\$/); // 1,023 bytes
    await expect(hashFast('€'.repeat(342))).rejects.toThrow(RangeError);
  });

  it('returns false for a megabyte-long guess instead of hashing it', async () => {
    const phc = await hashFast('pw');
    expect(await verifyPassword('a'.repeat(1 << 20), phc)).toBe(false);
  });

  it('throws TypeError for a non-string password', async () => {
    const phc = await hashFast('pw');
    await expect(hashPassword(123 as unknown as string, FAST)).rejects.toThrow(TypeError);
    await expect(verifyPassword(undefined as unknown as string, phc)).rejects.toThrow(TypeError);
  });

  it('round-trips non-Latin passwords, including 64 four-byte emoji', async () => {
    for (const password of ['пароль-слово', 'パスワード', '🔑'.repeat(64)]) {
      expect(await verifyPassword(password, await hashFast(password))).toBe(true);
    }
  });

  it('normalizes with NFKC, so composed, decomposed and full-width forms match', async () => {
    const phc = await hashFast('caf\u00e9 pass'); // é as one code point
    expect(await verifyPassword('cafe\u0301 pass', phc)).toBe(true); // e + combining acute
    expect(await verifyPassword('ｃａｆé ｐａｓｓ', phc)).toBe(true); // full-width letters
    expect(await verifyPassword('cafe pass', phc)).toBe(false);
  });

  it('rejects parameters outside the server limits before hashing', async () => {
    for (const bad of [
      { ...FAST, memory: 4_194_304 },
      { ...FAST, passes: 0 },
      { ...FAST, parallelism: 0 },
      { ...FAST, memory: 1.5 },
      { ...FAST, tagLength: 8 },
      { ...FAST, memory: 64, parallelism: 16 }, // under 8 KiB per lane
    ]) {
      await expect(hashPassword('pw', bad)).rejects.toThrow(RangeError);
    }
  });

  it('rejects a salt source that returns the wrong number of bytes', async () => {
    await expect(hashPassword('pw', FAST, { randomBytes: () => new Uint8Array(8) })).rejects.toThrow(/16 bytes/);
  });
});

describe('tampered stored hashes', () => {
  it('returns false when one bit of the hash or the salt changes', async () => {
    const phc = await hashFast('pw');
    expect(await verifyPassword('pw', flipBit(phc, 5))).toBe(false);
    expect(await verifyPassword('pw', flipBit(phc, 4))).toBe(false);
  });

  it('returns false when valid parameters are changed', async () => {
    const phc = await hashFast('pw');
    expect(await verifyPassword('pw', withField(phc, 3, 'm=256,t=2,p=1'))).toBe(false);
    expect(await verifyPassword('pw', withField(phc, 3, 'm=512,t=1,p=1'))).toBe(false);
  });

  it('returns false, without throwing, for a hash truncated to 16 bytes', async () => {
    const phc = await hashFast('pw');
    const short = Buffer.from(phc.split('$')[5]!, 'base64').subarray(0, 16);
    expect(await verifyPassword('pw', withField(phc, 5, short.toString('base64').replace(/=+$/, '')))).toBe(false);
  });

  it.each([
    ['argon2i', '$argon2i$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /algorithm must be argon2id, found "argon2i"/],
    ['argon2d', '$argon2d$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /found "argon2d"/],
    ['bcrypt', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', /5 fields|algorithm/],
    ['v=16 (Argon2 1.0)', '$argon2id$v=16$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /version must be v=19/],
    ['no version field', '$argon2id$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /5 fields/],
    ['4 GiB memory', '$argon2id$v=19$m=4194304,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /memory must be an integer from 8 to 262144/],
    ['max u32 memory', '$argon2id$v=19$m=4294967295,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /memory must be/],
    ['a billion passes', '$argon2id$v=19$m=256,t=1000000000,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /passes must be/],
    ['255 lanes', '$argon2id$v=19$m=4096,t=1,p=255$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parallelism must be/],
    ['zero passes', '$argon2id$v=19$m=256,t=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /passes must be/],
    ['memory under 8 KiB per lane', '$argon2id$v=19$m=64,t=1,p=16$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /8 KiB per lane/],
    ['leading zero', '$argon2id$v=19$m=0256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['negative value', '$argon2id$v=19$m=-256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['parameters out of order', '$argon2id$v=19$t=1,m=256,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['missing parameter', '$argon2id$v=19$m=256,t=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['extra parameter', '$argon2id$v=19$m=256,t=1,p=1,keyid=AAAA$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['missing hash', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA', /5 fields/],
    ['extra field', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$AAAA', /5 fields/],
    ['leading text', 'x$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /5 fields/],
    ['empty string', '', /5 fields/],
    ['8-byte salt (argon2-cffi test vector)', '$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo', /salt must be 16-48 bytes, found 8/],
    ['padded salt', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /salt must be unpadded standard base64/],
    ['base64url salt', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAA-_$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /salt must be unpadded standard base64/],
    ['salt with a space', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAA AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /salt must be unpadded standard base64/],
    ['non-zero trailing bits', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /salt must be unpadded standard base64/],
    ['empty hash', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$', /hash must be unpadded/],
    ['12-byte hash', '$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAA', /hash must be 16-64 bytes, found 12/],
    ['oversized string', `$argon2id$v=19$m=256,t=1,p=1$${'A'.repeat(300)}$AAAA`, /at most 256 characters/],
  ])('throws PhcFormatError, before any hashing, for %s', async (_name, phc, message) => {
    // The parse error itself is the proof: an attempted 4 GiB hash would fail
    // (or finish) with something else. No timing check: CI machines vary.
    await expect(verifyPassword('pw', phc)).rejects.toThrow(PhcFormatError);
    await expect(verifyPassword('pw', phc)).rejects.toThrow(message);
    expect(() => needsRehash(phc, FAST)).toThrow(PhcFormatError);
  });

  it('throws PhcFormatError for a stored value that is not a string', async () => {
    await expect(verifyPassword('pw', null as unknown as string)).rejects.toThrow(PhcFormatError);
  });
});

describe('needsRehash', () => {
  it('is false when the stored parameters equal the current ones', async () => {
    expect(needsRehash(await hashFast('pw'), FAST)).toBe(false);
  });

  it.each([
    ['memory', { ...FAST, memory: 512 }],
    ['passes', { ...FAST, passes: 2 }],
    ['parallelism', { ...FAST, parallelism: 2 }],
    ['tag length', { ...FAST, tagLength: 64 }],
  ])('is true when %s changes, in either direction', async (_name, current) => {
    const phc = await hashFast('pw');
    expect(needsRehash(phc, current)).toBe(true);
    expect(needsRehash(await hashPassword('pw', current), FAST)).toBe(true);
  });

  it('upgrades on login: verify with the old params, then rehash with the new', async () => {
    const old = await hashFast('pw');
    const current = { ...FAST, memory: 1024, passes: 2 };
    expect(await verifyPassword('pw', old)).toBe(true);
    expect(needsRehash(old, current)).toBe(true);
    const upgraded = await hashPassword('pw', current);
    expect(needsRehash(upgraded, current)).toBe(false);
    expect(await verifyPassword('pw', upgraded)).toBe(true);
  });
});
