import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  guess, logSafe, normalizeEmail, pseudonym, type PseudonymKey, sha256Hex,
} from './pii.ts';

const KEY: PseudonymKey = { id: 'analytics-1', secret: randomBytes(32) };
const OTHER: PseudonymKey = { id: 'billing-1', secret: randomBytes(32) };
const TARGET = 'ada.lovelace@example.com';

/** 10,000 plausible addresses: first.last at common domains. */
function dictionary(): string[] {
  const first = ['ada', 'alan', 'grace', 'linus', 'barbara', 'edsger', 'donald',
    'margaret', 'ken', 'dennis'];
  const last = Array.from({ length: 250 }, (_, i) => `name${i}`).concat('lovelace');
  const domains = ['gmail.com', 'example.com', 'outlook.com', 'yahoo.com'];
  return first.flatMap((f) => last.flatMap((l) => domains.map((d) => `${f}.${l}@${d}`)));
}

describe('why a plain hash is not a pseudonym', () => {
  it('sha256(email) falls to a dictionary of likely addresses', () => {
    const leaked = sha256Hex(TARGET);
    expect(guess(leaked, dictionary(), sha256Hex)).toBe(TARGET);
  });

  it('a keyed HMAC does not, for an attacker without the key', () => {
    const leaked = pseudonym(KEY, TARGET);
    const attackerKey = { id: 'analytics-1', secret: randomBytes(32) };
    expect(guess(leaked, dictionary(), (v) => pseudonym(attackerKey, v))).toBeUndefined();
    expect(guess(leaked.split(':')[1]!, dictionary(), sha256Hex)).toBeUndefined();
  });

  it('with the key, the same dictionary works: the key is the "additional information"', () => {
    const leaked = pseudonym(KEY, TARGET);
    expect(guess(leaked, dictionary(), (v) => pseudonym(KEY, v))).toBe(TARGET);
  });
});

describe('pseudonym', () => {
  it('is stable for one key and one normalized value', () => {
    const a = pseudonym(KEY, normalizeEmail('  Ada.Lovelace@Example.COM '));
    const b = pseudonym(KEY, normalizeEmail('ada.lovelace@example.com'));
    expect(a).toBe(b);
    expect(a).toMatch(/^analytics-1:[\w-]{43}$/);
  });

  it('differs per purpose key, so datasets cannot be joined on it', () => {
    expect(pseudonym(KEY, TARGET).split(':')[1]).not.toBe(pseudonym(OTHER, TARGET).split(':')[1]);
  });

  it('normalizes Unicode to NFC, so two spellings of é match', () => {
    const composed = 'jos\u00e9@example.com';
    const decomposed = 'jose\u0301@example.com';
    expect(pseudonym(KEY, normalizeEmail(composed))).toBe(pseudonym(KEY, normalizeEmail(decomposed)));
  });

  it('rejects ill-formed Unicode, which would give two inputs one pseudonym', () => {
    // UTF-8 encoding turns any lone surrogate into U+FFFD, so these collide.
    const a = 'ada\uD800@example.com';
    const b = 'ada\uDBFF@example.com';
    expect(pseudonym(KEY, a)).toBe(pseudonym(KEY, b)); // why normalizeEmail must refuse
    for (const bad of [a, b, 'ada@example.com\uDC00']) {
      expect(() => normalizeEmail(bad)).toThrow(RangeError);
    }
  });

  it('rejects weak or malformed keys', () => {
    expect(() => pseudonym({ id: 'k', secret: randomBytes(16) }, TARGET)).toThrow(/32 bytes/);
    expect(() => pseudonym({ id: 'Bad Id', secret: randomBytes(32) }, TARGET)).toThrow(/key id/);
    expect(() => pseudonym({ id: 'a:b', secret: randomBytes(32) }, TARGET)).toThrow(/key id/);
  });

  it('rejects what is not an email, without echoing it', () => {
    for (const bad of ['', 'no-at-sign', 'a@b@c', 'a b@c.d', `${'x'.repeat(250)}@e.com`]) {
      const error = (() => { try { normalizeEmail(bad); } catch (e) { return e as Error; } })();
      expect(error).toBeInstanceOf(RangeError);
      if (bad) expect(error!.message).not.toContain(bad);
    }
  });
});

describe('logSafe', () => {
  const user = {
    email: 'Ada@Example.com', name: 'Ada Lovelace', phone: '+44 20 7946 0000',
    country: 'GB', plan: 'pro', address: { city: 'London' },
  };

  it('keeps allow-listed fields and the pseudonym, nothing else', () => {
    const line = logSafe(KEY, user);
    expect(line).toEqual({ user: pseudonym(KEY, 'ada@example.com'), country: 'GB', plan: 'pro' });
    const text = JSON.stringify(line);
    for (const pii of ['Ada', 'ada@example.com', 'Lovelace', '7946', 'London']) {
      expect(text.toLowerCase()).not.toContain(pii.toLowerCase());
    }
  });

  it('drops an allow-listed field that holds an object', () => {
    expect(logSafe(KEY, user, ['address', 'plan'])).not.toHaveProperty('address');
  });

  it('a field added to the record later is not logged', () => {
    const later = { ...user, dateOfBirth: '1815-12-10' };
    expect(JSON.stringify(logSafe(KEY, later))).not.toContain('1815');
  });
});
