import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  memorySubjectKeys, PersonalData, runRetention, SubjectErasedError,
  type SubjectKeyStore,
} from './crypto-shredding.ts';
import { DecryptionError } from './envelope.ts';
import { localKeyRing } from './key-ring.ts';

const ring = () => localKeyRing([{ id: 'kek-1', key: randomBytes(32) }], 'kek-1');
const EMAIL = { table: 'users', column: 'email' };
const NAME = { table: 'users', column: 'name' };
const DAY = 86_400_000;

function setup() {
  const keys = memorySubjectKeys();
  return { keys, pd: new PersonalData(ring(), keys) };
}

/** A promise that a test resolves when it chooses. */
function gate() {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

describe('field encryption with a key per subject', () => {
  it('round-trips and stores no plaintext', async () => {
    const { pd } = setup();
    const stored = await pd.encrypt('u1', EMAIL, 'ada@example.com');
    expect(stored).not.toContain('ada');
    expect(await pd.decrypt('u1', EMAIL, stored)).toBe('ada@example.com');
  });

  it('binds each value to its subject and column', async () => {
    const { pd } = setup();
    const stored = await pd.encrypt('u1', EMAIL, 'ada@example.com');
    await pd.encrypt('u2', EMAIL, 'alan@example.com');
    await expect(pd.decrypt('u2', EMAIL, stored)).rejects.toThrow(DecryptionError);
    await expect(pd.decrypt('u1', NAME, stored)).rejects.toThrow(DecryptionError);
  });

  it('reuses one key per subject', async () => {
    const { keys, pd } = setup();
    await pd.encrypt('u1', EMAIL, 'a');
    const first = await keys.get('u1');
    await pd.encrypt('u1', NAME, 'b');
    expect(await keys.get('u1')).toBe(first);
  });

  it('a wrapped key moved to another subject does not open', async () => {
    const kek = ring();
    const keys = memorySubjectKeys();
    const pd = new PersonalData(kek, keys);
    const stored = await pd.encrypt('u1', EMAIL, 'ada@example.com');
    await pd.encrypt('u2', EMAIL, 'alan@example.com');
    // Someone with write access to the key store copies u1's key to u2's slot.
    const copied: SubjectKeyStore = {
      ...keys,
      async get(subject) { return keys.get(subject === 'u2' ? 'u1' : subject); },
    };
    const swapped = new PersonalData(kek, copied);
    await expect(swapped.decrypt('u2', EMAIL, stored)).rejects.toThrow(DecryptionError);
    // Nor will u2's new data be written under u1's key (erasing u1 would
    // then shred u2's data, and erasing u2 would leave it readable).
    await expect(swapped.encrypt('u2', NAME, 'Alan')).rejects.toThrow(DecryptionError);
  });

  it('a broken key source leaves no key behind for the subject', async () => {
    const keys = memorySubjectKeys();
    const short = (n: number) => randomBytes(n === 32 ? 31 : n);
    const pd = new PersonalData(ring(), keys, short);
    await expect(pd.encrypt('u1', EMAIL, 'ada@example.com')).rejects.toThrow(RangeError);
    expect(await keys.get('u1')).toBeUndefined();
  });

  it('rejects a tampered value', async () => {
    const { pd } = setup();
    const stored = Buffer.from(await pd.encrypt('u1', EMAIL, 'ada@example.com'), 'base64url');
    stored[14]! ^= 1;
    await expect(pd.decrypt('u1', EMAIL, stored.toString('base64url')))
      .rejects.toThrow(DecryptionError);
  });
});

describe('erasure by crypto-shredding', () => {
  it('makes every copy unreadable, backups included', async () => {
    const { pd } = setup();
    const backup = {
      email: await pd.encrypt('u1', EMAIL, 'ada@example.com'),
      name: await pd.encrypt('u1', NAME, 'Ada Lovelace'),
    };
    const copy = structuredClone(backup); // a replica, an export, a dump
    expect(await pd.erase('u1')).toBe(true);
    await expect(pd.decrypt('u1', EMAIL, copy.email)).rejects.toThrow(SubjectErasedError);
    await expect(pd.decrypt('u1', NAME, backup.name)).rejects.toThrow(SubjectErasedError);
  });

  it('a fresh key for the same id cannot read the old data', async () => {
    const keys = memorySubjectKeys();
    const pd = new PersonalData(ring(), keys);
    const old = await pd.encrypt('u1', EMAIL, 'ada@example.com');
    // An attacker (or a bug) re-creating u1 in a store without tombstones:
    const leaky: SubjectKeyStore = { ...memorySubjectKeys() };
    const reborn = new PersonalData(ring(), leaky);
    await reborn.encrypt('u1', EMAIL, 'x');
    await expect(reborn.decrypt('u1', EMAIL, old)).rejects.toThrow(DecryptionError);
  });

  it('leaves other subjects readable', async () => {
    const { pd } = setup();
    await pd.encrypt('u1', EMAIL, 'ada@example.com');
    const other = await pd.encrypt('u2', EMAIL, 'alan@example.com');
    await pd.erase('u1');
    expect(await pd.decrypt('u2', EMAIL, other)).toBe('alan@example.com');
  });

  it('is idempotent and refuses writes afterwards (tombstone)', async () => {
    const { pd } = setup();
    await pd.encrypt('u1', EMAIL, 'ada@example.com');
    expect(await pd.erase('u1')).toBe(true);
    expect(await pd.erase('u1')).toBe(false);
    await expect(pd.encrypt('u1', EMAIL, 'ada@example.com')).rejects.toThrow(SubjectErasedError);
  });

  it('a write that read "no key" before the erasure cannot create one after it', async () => {
    const inner = memorySubjectKeys();
    const held = gate();
    const reached = gate();
    const slow: SubjectKeyStore = {
      ...inner,
      async get(subject) {
        const found = await inner.get(subject);
        reached.open();
        await held.wait; // the erasure happens here
        return found;
      },
    };
    const pd = new PersonalData(ring(), slow);
    const write = pd.encrypt('u9', EMAIL, 'late@example.com');
    await reached.wait;
    await inner.erase('u9'); // account deleted while the write is in flight
    held.open();
    await expect(write).rejects.toThrow(SubjectErasedError);
    expect(await inner.get('u9')).toBeUndefined();
  });
});

describe('first write race', () => {
  it('two first writes for one subject end up under one key', async () => {
    const inner = memorySubjectKeys();
    const both = gate();
    let arrived = 0;
    const racy: SubjectKeyStore = {
      ...inner,
      async get(subject) {
        const found = await inner.get(subject);
        if (++arrived === 2) both.open();
        await both.wait; // both calls have seen "no key" before either stores
        return found;
      },
    };
    const pd = new PersonalData(ring(), racy);
    const [a, b] = await Promise.all([
      pd.encrypt('u1', EMAIL, 'ada@example.com'),
      pd.encrypt('u1', NAME, 'Ada Lovelace'),
    ]);
    expect(await pd.decrypt('u1', EMAIL, a)).toBe('ada@example.com');
    expect(await pd.decrypt('u1', NAME, b)).toBe('Ada Lovelace');
  });
});

describe('runRetention', () => {
  const now = Date.UTC(2026, 11, 2);

  it('erases subjects closed longer than the period, not at the boundary', async () => {
    const { keys, pd } = setup();
    for (const id of ['old', 'edge', 'recent', 'open']) await pd.encrypt(id, EMAIL, `${id}@x.io`);
    await keys.markClosed('old', now - 31 * DAY);
    await keys.markClosed('edge', now - 30 * DAY); // exactly 30 days: kept today
    await keys.markClosed('recent', now - DAY);
    expect(await runRetention(keys, now, 30 * DAY)).toEqual(['old']);
    expect(await keys.get('old')).toBeUndefined();
    for (const kept of ['edge', 'recent', 'open']) expect(await keys.get(kept)).toBeDefined();
    expect(await runRetention(keys, now + 1, 30 * DAY)).toEqual(['edge']);
  });

  it('is safe to run twice', async () => {
    const { keys, pd } = setup();
    await pd.encrypt('old', EMAIL, 'old@x.io');
    await keys.markClosed('old', now - 40 * DAY);
    expect(await runRetention(keys, now, 30 * DAY)).toEqual(['old']);
    expect(await runRetention(keys, now, 30 * DAY)).toEqual([]);
  });

  it('rejects a missing clock or a non-positive period', async () => {
    const { keys } = setup();
    await expect(runRetention(keys, Number.NaN, DAY)).rejects.toThrow(RangeError);
    await expect(runRetention(keys, now, 0)).rejects.toThrow(RangeError);
    await expect(runRetention(keys, now, -DAY)).rejects.toThrow(RangeError);
  });
});
