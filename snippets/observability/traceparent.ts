/**
 * The W3C Trace Context `traceparent` header: which trace a request
 * belongs to and which operation called it, in one fixed-width value,
 * `00-<trace-id>-<parent-id>-<trace-flags>`. Parsing follows the
 * Recommendation's rules: lowercase hex only, all-zero ids invalid,
 * version `ff` invalid, and a later version read by its first fields.
 * Anything else is ignored, and the trace restarts.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';

/** One position in a trace, as `traceparent` carries it. */
export interface TraceParent {
  /** 32 lowercase hex digits (16 bytes), never all zero. */
  traceId: string;
  /** 16 lowercase hex digits (8 bytes): the calling operation's id. */
  parentId: string;
  /** Bit 0: sampled. Bit 1: random trace id (Level 2 draft). */
  flags: number;
}

/** Where random bytes come from: `node:crypto` unless a test says. */
export type RandomBytes = (size: number) => Uint8Array;

const SAMPLED = 0x01;
const RANDOM_TRACE_ID = 0x02;
/** Flags this code knows; the spec says to send the others as zero. */
const KNOWN_FLAGS = SAMPLED | RANDOM_TRACE_ID;
/** A later version may grow; refuse values no version would need. */
const MAX_LENGTH = 512;

// #region parse
const HEX2 = /^[0-9a-f]{2}$/;
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/; // lowercase, not all zero
const PARENT_ID = /^(?!0{16})[0-9a-f]{16}$/;

/** The parsed header, or undefined: then start a new trace. */
export function parseTraceparent(
  value: string | null | undefined,
): TraceParent | undefined {
  if (!value || value.length > MAX_LENGTH) return undefined;
  const version = value.slice(0, 2);
  if (!HEX2.test(version) || version === 'ff') return undefined;
  // Version 00 is exactly 55 characters. A later one may add fields
  // after a dash; read only the fields 00 defines (§3.2.4).
  if (version === '00' ? value.length !== 55
    : value.length < 55 || (value.length > 55 && value[55] !== '-')) {
    return undefined;
  }
  const [, traceId = '', parentId = '', flags = ''] =
    value.slice(0, 55).split('-');
  if (!TRACE_ID.test(traceId) || !PARENT_ID.test(parentId)
    || !HEX2.test(flags)) return undefined;
  return { traceId, parentId, flags: parseInt(flags, 16) & KNOWN_FLAGS };
}

export function formatTraceparent(t: TraceParent): string {
  const flags = (t.flags & KNOWN_FLAGS).toString(16).padStart(2, '0');
  return `00-${t.traceId}-${t.parentId}-${flags}`;
}
// #endregion parse

// #region ids
/** A new trace: random ids, not sampled, trace id marked random. */
export function startTrace(random: RandomBytes = nodeRandomBytes,
): TraceParent {
  return { traceId: randomId(16, random), parentId: randomId(8, random),
    flags: RANDOM_TRACE_ID };
}

/**
 * This service's operation inside the caller's trace: same trace id
 * and flags, a new id for us. Calls we make carry it as parent-id.
 */
export function continueTrace(caller: TraceParent,
  random: RandomBytes = nodeRandomBytes): TraceParent {
  return { ...caller, parentId: randomId(8, random) };
}

function randomId(bytes: number, random: RandomBytes): string {
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = Buffer.from(random(bytes)).toString('hex');
    if (id.length === bytes * 2 && /[^0]/.test(id)) return id;
  }
  throw new Error(`random source gave no usable ${bytes}-byte id`);
}
// #endregion ids

export function isSampled(t: TraceParent): boolean {
  return (t.flags & SAMPLED) === SAMPLED; // a bit field: mask, never ===
}

if (import.meta.main) {
  const sent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  let n = 0; // a counting "random" source, so the demo prints the same
  const counting: RandomBytes = (size) =>
    Uint8Array.from({ length: size }, () => ++n);
  for (const value of [sent, sent.toUpperCase(),
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
    const parsed = parseTraceparent(value);
    console.log(`${value.slice(0, 20)}… -> ${parsed
      ? `ours: ${formatTraceparent(continueTrace(parsed, counting))}`
      : 'invalid, new trace'}`);
  }
}
