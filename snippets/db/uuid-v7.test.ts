import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createUuidV7, layoutV7, MAX_UNIX_MS, uuidV7Time, uuidVersion,
} from './uuid-v7.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const zeros = (n: number) => new Uint8Array(n);
const ones = (n: number) => new Uint8Array(n).fill(0xff);
const toBits = (uuid: string) => BigInt(`0x${uuid.replaceAll('-', '')}`)
  .toString(2).padStart(128, '0');

describe('layoutV7: the bit layout of RFC 9562 §5.7', () => {
  it('puts 48 bits of ms first, then 0111, rand_a, 10 and rand_b', () => {
    const bits = toBits(layoutV7(T0, 0xabc, ones(8)));
    expect(parseInt(bits.slice(0, 48), 2)).toBe(T0);
    expect(bits.slice(48, 52)).toBe('0111');
    expect(parseInt(bits.slice(52, 64), 2)).toBe(0xabc);
    expect(bits.slice(64, 66)).toBe('10'); // variant wins over random 1s
    expect(bits.slice(66)).toBe('1'.repeat(62));
  });

  it('keeps variant bits 10 when the random bytes are all zero', () => {
    expect(layoutV7(0, 0, zeros(8))).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('refuses a field that does not fit its bits rather than corrupt the version', () => {
    for (const [ms, randA, randB] of [[T0, 0x1000, 8], [T0, -1, 8], [T0, 0.5, 8],
      [-1, 0, 8], [MAX_UNIX_MS + 1, 0, 8], [T0, 0, 7]] as const) {
      expect(() => layoutV7(ms, randA, zeros(randB))).toThrow(RangeError);
    }
  });

  it('writes the largest timestamp without losing bits', () => {
    expect(layoutV7(MAX_UNIX_MS, 0xfff, ones(8)))
      .toBe('ffffffff-ffff-7fff-bfff-ffffffffffff');
  });
});

describe('createUuidV7', () => {
  it('makes ids that sort in the order they were made, as strings', () => {
    let t = T0;
    const next = createUuidV7({ now: () => Math.floor(t++ / 3) }); // ~3 per ms
    const ids = Array.from({ length: 5000 }, next);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('increments the counter within one millisecond (Method 1)', () => {
    const next = createUuidV7({ now: () => T0 });
    const [a, b] = [next(), next()];
    const counter = (id: string) => parseInt(id.slice(15, 18), 16);
    expect(counter(b)).toBe(counter(a) + 1);
    expect(uuidV7Time(a)).toBe(T0);
    expect(uuidV7Time(b)).toBe(T0);
  });

  it('seeds the counter below 0x800 so a millisecond has room for 2048 more', () => {
    const next = createUuidV7({ now: () => T0, random: ones });
    expect(next().slice(14, 18)).toBe('77ff'); // 11 random bits, top bit 0
  });

  it('stays increasing when the clock steps back', () => {
    const clock = [T0, T0 - 60_000, T0 - 1];
    let i = 0;
    const next = createUuidV7({ now: () => clock[i++]! });
    const ids = [next(), next(), next()];
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(uuidV7Time)).toEqual([T0, T0, T0]); // last time reused
  });

  it('borrows the next millisecond after 4096 ids in one, never repeating', () => {
    const next = createUuidV7({ now: () => T0, random: zeros }); // seed 0
    const ids = Array.from({ length: 4097 }, next);
    expect(uuidV7Time(ids[4095]!)).toBe(T0);
    expect(uuidV7Time(ids[4096]!)).toBe(T0 + 1);
    expect(new Set(ids).size).toBe(4097);
    expect([...ids].sort()).toEqual(ids);
  });

  it('borrows sooner when the seed is high: 2,049 ids after a seed of 0x7ff', () => {
    const next = createUuidV7({ now: () => T0, random: ones });
    const ids = Array.from({ length: 2050 }, next);
    expect(uuidV7Time(ids[2048]!)).toBe(T0);
    expect(uuidV7Time(ids[2049]!)).toBe(T0 + 1);
    expect(ids[2049]!.slice(14, 18)).toBe('77ff'); // a new ms: a new seed
    expect([...ids].sort()).toEqual(ids);
  });

  it('takes fresh random bits for every id, so ids are not guessable', () => {
    const next = createUuidV7({ now: () => T0 });
    const tails = new Set(Array.from({ length: 100 }, () => next().slice(19)));
    expect(tails.size).toBe(100);
  });

  it('refuses a clock outside what 48 bits of milliseconds hold', () => {
    for (const bad of [-1, 1.5, NaN, MAX_UNIX_MS + 1, Infinity]) {
      expect(() => createUuidV7({ now: () => bad })()).toThrow(RangeError);
    }
  });

  it('is not stuck after one bad clock reading', () => {
    const clock = [MAX_UNIX_MS + 1, Infinity, T0 + 0.5, T0];
    let i = 0;
    const next = createUuidV7({ now: () => clock[i++]! });
    for (let bad = 0; bad < 3; bad++) expect(() => next()).toThrow(RangeError);
    expect(uuidV7Time(next())).toBe(T0);
  });

  it('gives up at the very end of time rather than wrap to 1970', () => {
    const next = createUuidV7({ now: () => MAX_UNIX_MS, random: zeros });
    for (let i = 0; i < 4096; i++) next();
    expect(() => next()).toThrow(/10889/);
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    const short = createUuidV7({ random: () => new Uint8Array(4) });
    expect(() => short()).toThrow(TypeError);
    const notBytes = createUuidV7({ random: () => [1, 2] as unknown as Uint8Array });
    expect(() => notBytes()).toThrow(TypeError);
  });

  it('uses node:crypto by default and reads back as version 7', () => {
    const id = createUuidV7()();
    expect(uuidVersion(id)).toBe(7);
    expect(Math.abs(uuidV7Time(id) - Date.now())).toBeLessThan(60_000);
  });
});

describe('uuidVersion and uuidV7Time', () => {
  it('tells v4 from v7, and refuses to read a time from v4', () => {
    const v4 = randomUUID();
    expect(uuidVersion(v4)).toBe(4);
    expect(() => uuidV7Time(v4)).toThrow(RangeError);
  });

  it('refuses strings that are not UUIDs, or not the RFC 9562 variant', () => {
    for (const bad of ['', 'not-a-uuid', '01a235fb6e807011a233445566778899',
      '01a235fb-6e80-7011-a233-44556677889', `${randomUUID()} `,
      `${randomUUID()}\n`, `{${randomUUID()}}`, '01a235fb-6e80-7011-a233-44556677889９']) {
      expect(() => uuidVersion(bad)).toThrow(TypeError);
    }
    expect(() => uuidVersion('01a235fb-6e80-7011-c233-445566778899'))
      .toThrow(/variant/);
    expect(() => uuidVersion(42 as unknown as string)).toThrow(TypeError);
    expect(uuidVersion('01A235FB-6E80-7011-A233-445566778899')).toBe(7);
  });

  it('reads what PostgreSQL would: the time is the first 48 bits', () => {
    // The example in PostgreSQL 18's docs for uuid_extract_timestamp.
    expect(new Date(uuidV7Time('019535d9-3df7-79fb-b466-fa907fa17f9e'))
      .toISOString()).toBe('2025-02-24T02:46:24.503Z');
  });

  it('keeps random ids random: a v4 sort says nothing about time', () => {
    const v4 = Array.from({ length: 50 }, () => randomUUID());
    expect([...v4].sort()).not.toEqual(v4);
  });
});
