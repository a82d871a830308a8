import { describe, expect, it } from 'vitest';
import {
  continueTrace, formatTraceparent, isSampled, parseTraceparent, startTrace,
  type RandomBytes,
} from './traceparent.ts';

// The examples from the W3C Trace Context Recommendation, §3.2.3.
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const SAMPLED = `00-${TRACE}-${PARENT}-01`;

/** Bytes 1, 2, 3, … so every id is known in advance. */
function counting(): RandomBytes {
  let n = 0;
  return (size) => Uint8Array.from({ length: size }, () => ++n % 256);
}

describe('parseTraceparent', () => {
  it('reads the spec example', () => {
    expect(parseTraceparent(SAMPLED))
      .toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-00`)?.flags).toBe(0);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['uppercase hex', SAMPLED.toUpperCase()],
    ['uppercase in the trace id only', `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ['uppercase flags', `00-${TRACE}-${PARENT}-0A`],
    ['an uppercase later version', `CC-${TRACE}-${PARENT}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['a non-hex version', `0x-${TRACE}-${PARENT}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${PARENT}-01`],
    ['a long parent id', `00-${TRACE}-${PARENT}0-01`],
    ['non-hex flags', `00-${TRACE}-${PARENT}-0g`],
    ['version 00 with extra fields', `${SAMPLED}-extra`],
    ['two headers combined by fetch', `${SAMPLED}, ${SAMPLED}`],
    ['underscores for dashes', SAMPLED.replaceAll('-', '_')],
    ['surrounding spaces', ` ${SAMPLED} `],
    ['10 KB', `cc-${TRACE}-${PARENT}-01-${'x'.repeat(10_240)}`],
    ['a later version, too short', `cc-${TRACE}-${PARENT}-0`],
    ['a later version, no dash after the flags', `cc-${TRACE}-${PARENT}-01x`],
  ])('ignores %s', (_, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('reads a later version by the fields 00 defines (§3.2.4)', () => {
    expect(parseTraceparent(`cc-${TRACE}-${PARENT}-01-what-the-future-adds`))
      .toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-01`)?.traceId).toBe(TRACE);
  });

  it('keeps the sampled and random flags, clears unknown ones', () => {
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-03`)?.flags).toBe(3);
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-ff`)?.flags).toBe(3);
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-09`)?.flags).toBe(1);
  });
});

describe('formatTraceparent', () => {
  it('round-trips, always as version 00 in lowercase', () => {
    const parsed = parseTraceparent(`cc-${TRACE}-${PARENT}-01-more`);
    expect(parsed && formatTraceparent(parsed)).toBe(SAMPLED);
  });

  it('writes unknown flags as zero', () => {
    expect(formatTraceparent({ traceId: TRACE, parentId: PARENT,
      flags: 0xff })).toBe(`00-${TRACE}-${PARENT}-03`);
  });
});

describe('isSampled', () => {
  it('tests the bit, not the whole byte', () => {
    const at = (flags: number) =>
      isSampled({ traceId: TRACE, parentId: PARENT, flags });
    expect([at(0), at(1), at(2), at(3)]).toEqual([false, true, false, true]);
  });
});

describe('new ids', () => {
  it('start a trace from 16 + 8 random bytes, not sampled, marked random',
    () => {
      const t = startTrace(counting());
      expect(t).toEqual({ traceId: '0102030405060708090a0b0c0d0e0f10',
        parentId: '1112131415161718', flags: 2 });
      expect(parseTraceparent(formatTraceparent(t))).toEqual(t);
    });

  it('continue a trace: same trace id and flags, a new parent id', () => {
    const caller = parseTraceparent(SAMPLED)!;
    const ours = continueTrace(caller, counting());
    expect(ours).toEqual({ traceId: TRACE, parentId: '0102030405060708',
      flags: 1 });
    expect(caller.parentId).toBe(PARENT); // the caller's is not changed
  });

  it('use node:crypto by default: ids differ and are valid', () => {
    const a = startTrace();
    const b = startTrace();
    expect(a.traceId).not.toBe(b.traceId);
    expect(parseTraceparent(formatTraceparent(a))).toEqual(a);
  });

  it('draw again when the random source gives all zeros', () => {
    let calls = 0;
    const zeroOnce: RandomBytes = (size) =>
      new Uint8Array(size).fill(calls++ === 0 ? 0 : 7);
    expect(startTrace(zeroOnce).traceId).toBe('07'.repeat(16));
  });

  it('fail loudly on a broken random source', () => {
    const zeros: RandomBytes = (size) => new Uint8Array(size);
    expect(() => startTrace(zeros)).toThrow(/no usable 16-byte id/);
    const short: RandomBytes = () => new Uint8Array(3).fill(1);
    expect(() => startTrace(short)).toThrow(/no usable 16-byte id/);
  });
});
