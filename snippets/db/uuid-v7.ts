/**
 * UUID version 7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds,
 * then the version, 12 bits of counter, the variant and 62 random bits.
 * Ids made later sort later, as bytes and as strings, so a B-tree on them
 * grows at its right edge the way a sequence-numbered key does, while any
 * process can still make one without asking the database.
 *
 * PostgreSQL 18 has `uuidv7()` built in (Q9 uses it as a column default);
 * this generator is for ids the application needs before the insert.
 * @see https://www.rfc-editor.org/rfc/rfc9562#section-5.7
 */
import { randomBytes } from 'node:crypto';

/** The largest Unix time in ms that 48 bits hold (the year 10889). */
export const MAX_UNIX_MS = 2 ** 48 - 1;

/** RFC 9562 Figure 11: octets 0-5 time, 6-7 ver + rand_a, 8-15 rand_b. */
export function layoutV7(unixMs: number, randA: number,
  randB: Uint8Array): string {
  const fits = (n: number, max: number) =>
    Number.isSafeInteger(n) && n >= 0 && n <= max;
  if (!fits(unixMs, MAX_UNIX_MS) || !fits(randA, 0xfff) || randB.length < 8) {
    throw new RangeError('need 48-bit ms, 12-bit rand_a and 8 random bytes');
  }
  const b = new Uint8Array(16);
  let ms = unixMs;
  for (let i = 5; i >= 0; i--) { // big-endian, most significant first
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (randA >> 8); // version 0b0111, then rand_a's top 4 bits
  b[7] = randA & 0xff;
  b.set(randB.subarray(0, 8), 8);
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 0b10 over rand_b's first bits
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-`
    + `${h.slice(16, 20)}-${h.slice(20)}`;
}

// #region generator
export interface V7Options {
  /** Unix time in ms; injected so tests can stop and rewind it. */
  now?: () => number;
  /** A CSPRNG (RFC 9562 §6.9); must return exactly `size` bytes. */
  random?: (size: number) => Uint8Array;
}

/**
 * A generator whose ids strictly increase (§6.2, Method 1): rand_a is a
 * counter, seeded with 11 random bits each new millisecond (the top bit
 * stays 0 to guard against rollover) and incremented within one. If the
 * clock stands still or steps back, the last time is reused; when the
 * counter is full (2,049 to 4,096 ids in), the next ms is borrowed.
 */
export function createUuidV7({ now = Date.now,
  random = randomBytes }: V7Options = {}): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    const clock = now();
    if (!Number.isSafeInteger(clock) || clock < 0 || clock > MAX_UNIX_MS) {
      throw new RangeError(`clock must be whole ms in [0, 2^48): ${clock}`);
    }
    const bytes = random(10);
    if (!(bytes instanceof Uint8Array) || bytes.length !== 10) {
      throw new TypeError('random(10) must return 10 bytes');
    }
    const seed = ((bytes[0]! << 8) | bytes[1]!) & 0x7ff;
    if (clock > lastMs) {
      [lastMs, counter] = [clock, seed];
    } else if (counter < 0xfff) {
      counter++;
    } else if (lastMs < MAX_UNIX_MS) {
      [lastMs, counter] = [lastMs + 1, seed];
    } else {
      throw new RangeError('no UUIDv7 is left after the year 10889');
    }
    return layoutV7(lastMs, counter, bytes.subarray(2));
  };
}
// #endregion generator

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The version (0-15) of an RFC 9562 UUID; throws on anything else. */
export function uuidVersion(uuid: string): number {
  if (typeof uuid !== 'string' || !UUID.test(uuid)) {
    throw new TypeError('not a UUID in 8-4-4-4-12 hex form');
  }
  if ((parseInt(uuid[19]!, 16) & 0xc) !== 0x8) {
    throw new RangeError('not an RFC 9562 UUID: variant bits are not 10');
  }
  return parseInt(uuid[14]!, 16);
}

/** The Unix time in ms a v7 UUID carries (anyone can read it). */
export function uuidV7Time(uuid: string): number {
  if (uuidVersion(uuid) !== 7) throw new RangeError('not a version 7 UUID');
  return parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}

if (import.meta.main) {
  const t0 = Date.UTC(2026, 11, 2, 9, 0, 0);
  const clock = [t0, t0, t0 + 1, t0 - 5000]; // the last one steps back 5 s
  let call = 0;
  const uuidv7 = createUuidV7({
    now: () => clock[Math.min(call, clock.length - 1)]!,
    // Fixed "random" bytes so the demo prints the same every run.
    random: (n) => Uint8Array.from({ length: n }, (_, i) => 17 * (call + i)),
  });
  const labels = ['09:00:00.000', 'same ms', '+1 ms', 'clock -5 s'];
  for (const label of labels) {
    const id = uuidv7();
    const at = new Date(uuidV7Time(id)).toISOString().slice(11, 23);
    console.log(`${label.padEnd(12)} ${id}  v${uuidVersion(id)} ${at}`);
    call++;
  }
}
