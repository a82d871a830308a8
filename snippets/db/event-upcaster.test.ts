import { describe, expect, it } from 'vitest';
import {
  LATEST, readOrderPlaced, UnknownVersionError, upcast,
} from './event-upcaster.ts';

const v1 = { type: 'OrderPlaced', version: 1, orderId: 'o-1', total: '12.50', customer: 'c-7' };
const v2 = { type: 'OrderPlaced', version: 2, orderId: 'o-2', totalCents: 990, customer: 'c-7' };
const v3 = { type: 'OrderPlaced', version: 3, orderId: 'o-3', customer: 'c-8',
  amount: { cents: 4000, currency: 'EUR' } };
const j = (o: unknown) => JSON.stringify(o);

describe('readOrderPlaced (the current reader)', () => {
  it('reads every stored version as the latest shape', () => {
    expect(LATEST).toBe(3);
    expect(readOrderPlaced(j(v1))).toEqual({ type: 'OrderPlaced', version: 3,
      orderId: 'o-1', customer: 'c-7', amount: { cents: 1250, currency: 'USD' } });
    expect(readOrderPlaced(j(v2))).toEqual({ type: 'OrderPlaced', version: 3,
      orderId: 'o-2', customer: 'c-7', amount: { cents: 990, currency: 'USD' } });
    expect(readOrderPlaced(j(v3))).toEqual(v3);
  });

  it('converts decimal money exactly, where parseFloat would not', () => {
    // 0.29 * 100 is 28.999999999999996 in binary floating point.
    expect(readOrderPlaced(j({ ...v1, total: '0.29' })).amount.cents).toBe(29);
    expect(readOrderPlaced(j({ ...v1, total: '1234567.05' })).amount.cents).toBe(123456705);
    expect(readOrderPlaced(j({ ...v1, total: '0.00' })).amount.cents).toBe(0);
  });

  it('refuses a version newer than it knows, clearly', () => {
    const v4 = j({ ...v3, version: 4 });
    expect(() => readOrderPlaced(v4)).toThrow(UnknownVersionError);
    expect(() => readOrderPlaced(v4)).toThrow(
      'OrderPlaced v4 is newer than this reader (v1-v3): upgrade readers before writers');
  });

  it('tolerates extra fields within a version, and drops them', () => {
    const e = readOrderPlaced(j({ ...v2, note: 'added later, optional' }));
    expect(e).not.toHaveProperty('note');
    expect(e.amount.cents).toBe(990);
  });

  it('refuses malformed events with a clear error', () => {
    expect(() => readOrderPlaced('not json')).toThrow(SyntaxError);
    expect(() => readOrderPlaced('null')).toThrow(/no integer version/);
    expect(() => readOrderPlaced(j({ ...v1, version: '1' }))).toThrow(/no integer version/);
    expect(() => readOrderPlaced(j({ ...v1, version: 0 }))).toThrow(/no integer version/);
    expect(() => readOrderPlaced(j({ ...v1, version: 1.5 }))).toThrow(/no integer version/);
    expect(() => readOrderPlaced(j({ ...v1, total: '12.5' }))).toThrow(); // not 2 decimals
    expect(() => readOrderPlaced(j({ ...v1, total: '-1.00' }))).toThrow();
    expect(() => readOrderPlaced(j({ ...v1, total: 12.5 }))).toThrow();
    // A v2 event labelled v1 is checked against v1's schema, not trusted.
    expect(() => readOrderPlaced(j({ ...v2, version: 1 }))).toThrow();
    expect(() => readOrderPlaced(j({ ...v3, amount: { cents: 1, currency: 'eur' } }))).toThrow();
    expect(() => readOrderPlaced(j({ ...v2, type: 'OrderShipped' }))).toThrow();
    expect(() => readOrderPlaced(' '.repeat(65_537))).toThrow(/over 64 KiB/);
  });

  it('caps an event at 64 KiB of UTF-8, not 64 Ki characters', () => {
    const wide = j({ ...v2, customer: '€'.repeat(30_000) }); // 3 bytes each
    expect(wide.length).toBeLessThan(65_536);
    expect(() => readOrderPlaced(wide)).toThrow(/over 64 KiB/);
    const fits = j({ ...v2, customer: 'c'.repeat(60_000) });
    expect(readOrderPlaced(fits).customer).toHaveLength(60_000);
  });

  it('drops a __proto__ key instead of letting it reach the result', () => {
    const hostile = '{"__proto__":{"polluted":true},' + j(v2).slice(1);
    const e = readOrderPlaced(hostile);
    expect(Object.keys(e)).toEqual(['type', 'version', 'orderId', 'customer', 'amount']);
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect((e as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('does not change the stored event it was given', () => {
    const stored = j(v1);
    readOrderPlaced(stored);
    expect(JSON.parse(stored)).toEqual(v1);
  });
});

describe('an old reader, built before v3 (target 2)', () => {
  it('still reads v1 and v2, as v2', () => {
    expect(upcast(j(v1), 2)).toEqual({ type: 'OrderPlaced', version: 2,
      orderId: 'o-1', customer: 'c-7', totalCents: 1250 });
    expect(upcast(j(v2), 2)).toEqual(v2);
  });

  it('refuses v3 instead of misreading it: why readers ship first', () => {
    expect(() => upcast(j(v3), 2)).toThrow(
      'OrderPlaced v3 is newer than this reader (v1-v2): upgrade readers before writers');
  });

  it('refuses a target it cannot produce', () => {
    expect(() => upcast(j(v1), 4)).toThrow(RangeError);
    expect(() => upcast(j(v1), 0)).toThrow(/target must be a version 1-3/);
  });
});
