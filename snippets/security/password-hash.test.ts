import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  type Argon2idParams,
  hashPassword,
  MAX_PASSWORD_BYTES,
  needsRehash,
  OWASP_ARGON2ID,
  parsePhc,
  type Pepper,
  PhcFormatError,
  UnknownPepperError,
  verifyPassword,
} from './password-hash.ts';

// The real timingSafeEqual, watched, so a test can tell it was used: a
// timing measurement would be flaky on shared CI machines.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

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

  it('compares the hashes with timingSafeEqual, not an early-exit comparison', async () => {
    const phc = await hashFast('correct horse battery staple');
    vi.mocked(timingSafeEqual).mockClear();
    expect(await verifyPassword('Correct horse battery staple', phc)).toBe(false);
    expect(await verifyPassword('correct horse battery staple', phc)).toBe(true);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
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
    // The spec's string omits keyid; ours names the pepper, so the same
    // salt and hash appear with `,keyid=<B64 of "k1">` after the parameters.
    const vector = '$argon2id$v=19$m=65536,t=2,p=1$gZiV/M1gPc22ElAH/Jh1Hw$CWOrkoo7oJBQ/iyh7uJ0LO2aLEfrHwTWllSAxT0zRno';
    const withKeyId = vector.replace('p=1$', 'p=1,keyid=azE$');
    const salt = Buffer.from('gZiV/M1gPc22ElAH/Jh1Hw', 'base64');
    const pepper: Pepper = { id: 'k1', secret: Buffer.from('pepper') };
    const params = { memory: 65_536, passes: 2, parallelism: 1, tagLength: 32 };
    expect(await hashPassword('hunter2', params, { randomBytes: () => salt, pepper })).toBe(withKeyId);
    expect(await verifyPassword('hunter2', withKeyId, { peppers: [pepper] })).toBe(true);
    const wrong: Pepper = { id: 'k1', secret: Buffer.from('pepper2') };
    expect(await verifyPassword('hunter2', withKeyId, { peppers: [wrong] })).toBe(false);
    // Without keyid the string says "no key": the database alone verifies nothing.
    expect(await verifyPassword('hunter2', vector, { peppers: [pepper] })).toBe(false);
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

  it('normalizes with NFC (SP 800-63B-4), so composed and decomposed forms match', async () => {
    const phc = await hashFast('caf\u00e9 pass'); // é as one code point
    expect(await verifyPassword('cafe\u0301 pass', phc)).toBe(true); // e + combining acute
    expect(await verifyPassword('cafe pass', phc)).toBe(false);
  });

  it('refuses lone surrogates, which UTF-8 would turn into one U+FFFD', async () => {
    // JSON.parse('"\\ud800"') yields one; Buffer.from would write EF BF BD.
    await expect(hashFast('pass\ud800word')).rejects.toThrow(/well-formed Unicode/);
    const phc = await hashFast('pass\ufffdword');
    for (const guess of ['pass\ud800word', 'pass\udc00word']) {
      expect(await verifyPassword(guess, phc), JSON.stringify(guess)).toBe(false);
    }
    expect(await verifyPassword('pass\ufffdword', phc)).toBe(true);
  });

  it('keeps compatibility characters distinct, as NFKC would not', async () => {
    const cases: [string, string][] = [
      ['ｃａｆé ｐａｓｓ', 'café pass'], // full-width letters
      ['x² + 1', 'x2 + 1'], // superscript two
      ['\ufb01sh food', 'fish food'], // the fi ligature
    ];
    for (const [typed, folded] of cases) {
      const phc = await hashFast(typed);
      expect(await verifyPassword(typed, phc)).toBe(true);
      expect(await verifyPassword(folded, phc), folded).toBe(false);
    }
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
    ['extra parameter (data)', '$argon2id$v=19$m=256,t=1,p=1,data=AAAA$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['keyid before p', '$argon2id$v=19$m=256,t=1,keyid=azE,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /parameters must be exactly/],
    ['empty keyid', '$argon2id$v=19$m=256,t=1,p=1,keyid=$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /keyid must be unpadded/],
    ['9-byte keyid', '$argon2id$v=19$m=256,t=1,p=1,keyid=cGVwcGVyLTEy$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /keyid must be 1-8 bytes, found 9/],
    ['binary keyid', '$argon2id$v=19$m=256,t=1,p=1,keyid=AAAA$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /keyid must name a pepper/],
    ['non-canonical keyid', '$argon2id$v=19$m=256,t=1,p=1,keyid=azF$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /keyid must be unpadded/],
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

describe('peppers, named by the PHC keyid', () => {
  const p1: Pepper = { id: 'pep-1', secret: new Uint8Array(32).fill(1) };
  const p2: Pepper = { id: 'pep-2', secret: new Uint8Array(32).fill(2) };
  const pepperedFast = (password: string, pepper: Pepper) =>
    hashPassword(password, FAST, { pepper });

  it('stores the pepper id, never the pepper, as keyid', async () => {
    const phc = await pepperedFast('pw', p1);
    const keyid = /,keyid=([A-Za-z0-9+/]+)\$/.exec(phc)?.[1];
    expect(Buffer.from(keyid!, 'base64').toString()).toBe('pep-1');
    expect(parsePhc(phc).keyId).toBe('pep-1');
    expect(phc).not.toContain(Buffer.from(p1.secret).toString('base64').slice(0, 20));
  });

  it('verifies with the pepper the keyid names, among several', async () => {
    const phc = await pepperedFast('pw', p1);
    expect(await verifyPassword('pw', phc, { peppers: [p2, p1] })).toBe(true);
    expect(await verifyPassword('wrong', phc, { peppers: [p2, p1] })).toBe(false);
  });

  it('returns false when the named pepper holds another secret', async () => {
    const phc = await pepperedFast('pw', p1);
    const impostor: Pepper = { id: 'pep-1', secret: p2.secret };
    expect(await verifyPassword('pw', phc, { peppers: [impostor] })).toBe(false);
  });

  it('throws UnknownPepperError, naming the keyid, when no pepper has it', async () => {
    const phc = await pepperedFast('pw', p1);
    for (const peppers of [undefined, [], [p2]]) {
      const attempt = verifyPassword('pw', phc, peppers ? { peppers } : {});
      await expect(attempt).rejects.toThrow(UnknownPepperError);
      await expect(verifyPassword('pw', phc, { peppers: peppers ?? [] }))
        .rejects.toThrow(/no pepper with keyid "pep-1"/);
    }
  });

  it('rotates: old hashes verify with the old pepper, then rehash with the new', async () => {
    const old = await pepperedFast('pw', p1);
    const keyring = { peppers: [p2, p1] }; // current first, retired kept
    expect(await verifyPassword('pw', old, keyring)).toBe(true);
    expect(needsRehash(old, FAST, p2.id)).toBe(true);
    const fresh = await pepperedFast('pw', p2);
    expect(parsePhc(fresh).keyId).toBe('pep-2');
    expect(needsRehash(fresh, FAST, p2.id)).toBe(false);
    // Once every row is rehashed, the retired pepper can go.
    expect(await verifyPassword('pw', fresh, { peppers: [p2] })).toBe(true);
    await expect(verifyPassword('pw', old, { peppers: [p2] })).rejects.toThrow(UnknownPepperError);
  });

  it('adds a pepper to hashes made without one, at their next login', async () => {
    const plain = await hashFast('pw');
    expect(parsePhc(plain).keyId).toBeUndefined();
    expect(await verifyPassword('pw', plain, { peppers: [p1] })).toBe(true);
    expect(needsRehash(plain, FAST, p1.id)).toBe(true);
    expect(needsRehash(plain, FAST)).toBe(false);
    expect(needsRehash(await pepperedFast('pw', p1), FAST)).toBe(true); // pepper dropped
  });

  it.each([
    ['an empty id', { id: '', secret: p1.secret }],
    ['a 9-byte id', { id: 'pepper-12', secret: p1.secret }],
    ['an id with a $', { id: 'a$b', secret: p1.secret }],
    ['an id with a non-ASCII letter', { id: 'pé', secret: p1.secret }],
    ['an empty secret', { id: 'pep-1', secret: new Uint8Array(0) }],
    ['a secret that is not bytes', { id: 'pep-1', secret: 'hunter2' as unknown as Uint8Array }],
  ])('rejects a pepper with %s, without echoing the secret', async (_name, pepper) => {
    const attempt = hashPassword('pw', FAST, { pepper });
    await expect(attempt).rejects.toThrow(RangeError);
    await expect(hashPassword('pw', FAST, { pepper })).rejects.not.toThrow(/hunter2/);
    const phc = await hashFast('pw');
    await expect(verifyPassword('pw', phc, { peppers: [pepper] })).rejects.toThrow(RangeError);
  });

  it('rejects two peppers with the same id', async () => {
    const phc = await hashFast('pw');
    const twin: Pepper = { id: 'pep-1', secret: p2.secret };
    await expect(verifyPassword('pw', phc, { peppers: [p1, twin] })).rejects.toThrow(/pep-1.*twice/);
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
