/**
 * Crypto-shredding: every data subject's personal fields are encrypted with
 * that subject's own data key, kept (wrapped by a KEK) in a small key store
 * apart from the data. Erasing the subject deletes one key; every copy of
 * their fields, in replicas, exports and backups, becomes ciphertext that
 * nothing can open. A tombstone stops a late write from creating a new key.
 * A retention job does the same for accounts closed longer than the period.
 * @see https://eur-lex.europa.eu/eli/reg/2016/679/oj (Art. 5(1)(e), 17)
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import {
  contextBytes, KEY_BYTES, open, type RandomBytes, seal,
} from './envelope.ts';
import type { KeyRing, Wrapped } from './key-ring.ts';

// #region subject-keys
/** The subject's key was erased: their data is gone for good. */
export class SubjectErasedError extends Error {
  override name = 'SubjectErasedError';
}

export interface SubjectKeyStore {
  get(subject: string): Promise<Wrapped | undefined>;
  /** Atomic: keeps `key` only if none exists; returns the key kept. */
  putIfAbsent(subject: string, key: Wrapped): Promise<Wrapped>;
  /** Deletes the key, leaves a tombstone; false if there was no key. */
  erase(subject: string): Promise<boolean>;
  markClosed(subject: string, at: number): Promise<void>;
  closedBefore(cutoff: number): Promise<string[]>;
}

export interface Field { table: string; column: string }

export class PersonalData {
  #ring: KeyRing; #keys: SubjectKeyStore; #random: RandomBytes;
  constructor(ring: KeyRing, keys: SubjectKeyStore,
    random: RandomBytes = nodeRandomBytes) {
    this.#ring = ring; this.#keys = keys; this.#random = random;
  }

  async encrypt(subject: string, field: Field, value: string) {
    const key = await this.#key(subject, true);
    try {
      const aad = contextBytes({ ...field, id: subject });
      return seal(key, Buffer.from(value), aad, this.#random)
        .toString('base64url');
    } finally { key.fill(0); }
  }

  async decrypt(subject: string, field: Field, stored: string) {
    const key = await this.#key(subject, false);
    try {
      const aad = contextBytes({ ...field, id: subject });
      return open(key, Buffer.from(stored, 'base64url'), aad).toString();
    } finally { key.fill(0); }
  }

  /** Art. 17 erasure: delete one key; every copy of the data is noise. */
  erase(subject: string): Promise<boolean> {
    return this.#keys.erase(subject);
  }

  async #key(subject: string, create: boolean): Promise<Buffer> {
    const aad = contextBytes({ table: 'subject_keys', column: 'dek',
      id: subject });
    let wrapped = await this.#keys.get(subject);
    if (!wrapped && create) {
      const dek = this.#random(KEY_BYTES);
      const fresh = await this.#ring.wrap(dek, aad).finally(() => dek.fill(0));
      wrapped = await this.#keys.putIfAbsent(subject, fresh); // race-safe
    }
    if (!wrapped) throw new SubjectErasedError('no key for this subject');
    return this.#ring.unwrap(wrapped, aad);
  }
}
// #endregion subject-keys

// #region retention
/** Storage limitation: erase subjects closed more than `keepMs` ago. */
export async function runRetention(keys: SubjectKeyStore, now: number,
  keepMs: number): Promise<string[]> {
  if (!Number.isFinite(now) || !(keepMs > 0)) {
    throw new RangeError('now and a positive retention period are required');
  }
  const due = await keys.closedBefore(now - keepMs); // strictly before
  for (const subject of due) await keys.erase(subject);
  return due;
}
// #endregion retention

/** An in-memory store; production uses its own table or database. */
export function memorySubjectKeys(): SubjectKeyStore {
  const keys = new Map<string, Wrapped>();
  const erased = new Set<string>(); // tombstones: opaque ids only
  const closed = new Map<string, number>();
  return {
    async get(subject) { return keys.get(subject); },
    async putIfAbsent(subject, key) {
      if (erased.has(subject)) {
        throw new SubjectErasedError('subject was erased');
      }
      const kept = keys.get(subject) ?? key;
      keys.set(subject, kept);
      return kept;
    },
    async erase(subject) {
      erased.add(subject);
      closed.delete(subject);
      return keys.delete(subject);
    },
    async markClosed(subject, at) {
      if (!keys.has(subject)) return;
      closed.set(subject, at);
    },
    async closedBefore(cutoff) {
      return [...closed].filter(([, at]) => at < cutoff).map(([s]) => s);
    },
  };
}

if (import.meta.main) {
  const { localKeyRing } = await import('./key-ring.ts');
  // Demo only: the KEK comes from a KMS and is never printed.
  const kek = { id: 'kek-1', key: nodeRandomBytes(KEY_BYTES) };
  const ring = localKeyRing([kek], 'kek-1');
  const keys = memorySubjectKeys();
  const pd = new PersonalData(ring, keys);
  const email = { table: 'users', column: 'email' };
  const row = await pd.encrypt('user-17', email, 'ada@example.com');
  const backup = [{ id: 'user-17', email: row }]; // last night's dump
  const now = Date.UTC(2026, 11, 2);
  await keys.markClosed('user-17', Date.UTC(2026, 9, 1));
  console.log(`before erasure, backup reads: ${
    await pd.decrypt('user-17', email, backup[0]!.email) === 'ada@example.com'}`);
  const day = 86_400_000;
  console.log(`retention (30 days) erased: ${
    (await runRetention(keys, now, 30 * day)).join(', ')}`);
  await pd.decrypt('user-17', email, backup[0]!.email)
    .catch((e: Error) => console.log(`backup after erasure: ${e.name}`));
  await pd.encrypt('user-17', email, 'ada@example.com')
    .catch((e: Error) => console.log(`late write after erasure: ${e.name}`));
}
