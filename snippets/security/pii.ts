/**
 * Pseudonyms for personal data: a keyed HMAC-SHA256 of a normalized value.
 * The same email always gives the same pseudonym (so you can join, count
 * and look up), but without the key nobody can test a guess against it. A
 * plain SHA-256 of an email is not a pseudonym: anyone can hash a list of
 * likely emails and match (see the demo and the tests).
 * @see https://eur-lex.europa.eu/eli/reg/2016/679/oj (Art. 4(5), Recital 26)
 * @see https://www.rfc-editor.org/rfc/rfc2104
 */
import { createHash, createHmac } from 'node:crypto';

// #region pseudonym
/** One key per purpose: pseudonyms made for analytics can't join billing. */
export interface PseudonymKey { id: string; secret: Uint8Array }

export const MIN_PSEUDONYM_KEY_BYTES = 32;
const KEY_ID = /^[a-z0-9-]{1,32}$/;

/** Trimmed, NFC, lower-cased; one `@`; at most 254 characters. */
export function normalizeEmail(email: string): string {
  const out = email.trim().normalize('NFC').toLowerCase();
  if (out.length > 254 || !out.isWellFormed() || // no lone surrogates
    !/^[^@\s]+@[^@\s]+$/.test(out)) {
    throw new RangeError('not an email address'); // the value is not echoed
  }
  return out;
}

/** `<key id>:<base64url HMAC-SHA256>`; the id says which key to rotate. */
export function pseudonym(key: PseudonymKey, value: string): string {
  if (!KEY_ID.test(key.id)) throw new RangeError('bad pseudonym key id');
  if (key.secret.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw new RangeError(`key under ${MIN_PSEUDONYM_KEY_BYTES} bytes`);
  }
  const mac = createHmac('sha256', key.secret).update(value, 'utf8');
  return `${key.id}:${mac.digest('base64url')}`;
}
// #endregion pseudonym

// #region log-safe
/**
 * What a log line may say about a user: an allow-list of fields, and the
 * user's pseudonym instead of their id or email. Everything else is dropped,
 * so a field added to the user record later never reaches the logs.
 */
export function logSafe(
  key: PseudonymKey,
  user: { email: string } & Record<string, unknown>,
  allowed: readonly string[] = ['country', 'plan'],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {
    user: pseudonym(key, normalizeEmail(user.email)),
  };
  for (const field of allowed) {
    const value = user[field];
    const t = typeof value;
    if (t === 'string' || t === 'number' || t === 'boolean') {
      out[field] = value as string | number | boolean;
    }
  }
  return out;
}
// #endregion log-safe

/** The mistake, kept here to be tested: an unkeyed hash of the email. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** An attacker's dictionary run: the candidate whose hash matches. */
export function guess(target: string, candidates: Iterable<string>,
  hash: (value: string) => string): string | undefined {
  for (const candidate of candidates) {
    if (hash(candidate) === target) return candidate;
  }
  return undefined;
}

if (import.meta.main) {
  // Demo only: a real pseudonym key lives in a secret store, apart from data.
  const key = { id: 'analytics-1', secret: new Uint8Array(32).fill(9) };
  const email = normalizeEmail('  Ada.Lovelace@Example.com ');
  // What an attacker tries: names from a breach list x common domains.
  const names = ['alan.turing', 'grace.hopper', 'ada.lovelace', 'linus'];
  const domains = ['gmail.com', 'example.com', 'outlook.com'];
  const dictionary = names.flatMap((n) => domains.map((d) => `${n}@${d}`));
  const leakedHash = sha256Hex(email);
  const leakedPseudonym = pseudonym(key, email);
  const viaHash = guess(leakedHash, dictionary, sha256Hex) !== undefined;
  console.log(`sha256(email) reversed by a ${dictionary.length}-entry ` +
    `dictionary: ${viaHash}`);
  const noKey = { id: 'analytics-1', secret: new Uint8Array(32) };
  const viaHmac = guess(leakedPseudonym, dictionary,
    (v) => pseudonym(noKey, v)) !== undefined;
  console.log(`HMAC pseudonym reversed without the key: ${viaHmac}`);
  console.log(`same person, same pseudonym: ${
    pseudonym(key, normalizeEmail('ada.lovelace@example.com')) ===
      leakedPseudonym}`);
  const line = logSafe(key, { email, name: 'Ada', country: 'GB', plan: 'pro' });
  console.log(`log line: ${JSON.stringify(line)}`);
}
