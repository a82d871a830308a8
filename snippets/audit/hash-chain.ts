/**
 * A hash chain over audit records: each record's hash covers its own
 * fields and the hash of the record before it, so changing, removing or
 * reordering any record breaks every link after it. Verification walks the
 * chain and names the first record that does not fit.
 *
 * A chain only proves itself consistent. Whoever can rewrite the whole
 * table can rebuild a consistent chain, and dropping the newest records
 * leaves a shorter chain that still verifies. So the head is anchored
 * outside the database: a checkpoint (sequence number and hash) signed
 * with Ed25519, kept where the database's owner cannot change it.
 * @see https://www.rfc-editor.org/rfc/rfc8785 (JSON canonicalization)
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#protection
 */
import {
  createHash, createPrivateKey, createPublicKey, sign, verify,
  type KeyObject,
} from 'node:crypto';

export type Json = null | boolean | number | string | Json[]
  | { [key: string]: Json };

export const MAX_DEPTH = 32;

// #region canonical
/**
 * One byte string per value, whatever built it: keys sorted by UTF-16
 * code unit, no whitespace, numbers as JavaScript prints them (RFC 8785
 * does the same). A value JSON cannot carry exactly is refused, with
 * its path, rather than silently changed (NaN would become null).
 */
export function canonicalJson(value: unknown, path = '$',
  seen: object[] = []): string {
  if (seen.length > MAX_DEPTH) throw new TypeError(`${path}: nested `
    + `more than ${MAX_DEPTH} deep`);
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} `
      + 'is not a JSON number');
    return JSON.stringify(value); // -0 becomes 0, as in RFC 8785
  }
  if (typeof value === 'string') {
    if (!value.isWellFormed() || value.includes('\u0000')) {
      throw new TypeError(`${path}: lone surrogate or NUL in a string`);
    }
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`${path}: `
    + `${typeof value} is not JSON (send a bigint as a string)`);
  if (seen.includes(value)) throw new TypeError(`${path}: a cycle`);
  const inner = [...seen, value];
  if (Array.isArray(value)) {
    return `[${Array.from(value, (v, i) =>
      canonicalJson(v, `${path}[${i}]`, inner)).join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${path}: only plain objects (found `
      + `${value.constructor?.name ?? 'an instance'}; convert it first)`);
  }
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:`
    + canonicalJson(obj[k], `${path}.${k}`, inner)).join(',')}}`;
}
// #endregion canonical

// #region link
/** The `prevHash` of the first record. */
export const GENESIS = '0'.repeat(64);

export interface Linked {
  seq: number; // 1, 2, 3, … with no gaps
  prevHash: string;
  hash: string;
}
export type Chained<F> = F & Linked;
/** Where a walk starts or ends: a record, or a signed checkpoint. */
export type Head = Pick<Linked, 'seq' | 'hash'>;

/** SHA-256 over the record's fields, its number and the previous hash. */
export function hashRecord(fields: object, seq: number,
  prevHash: string): string {
  const body = canonicalJson({ ...fields, seq, prevHash });
  return createHash('sha256').update(body).digest('hex');
}

/** The record that follows `prev` (or starts the chain). */
export function link<F extends object>(
  prev: Head | null, fields: F): Chained<F> {
  for (const k of ['seq', 'prevHash', 'hash']) {
    if (k in fields) throw new TypeError(`${k} is set by the chain`);
  }
  const seq = prev ? prev.seq + 1 : 1;
  const prevHash = prev ? prev.hash : GENESIS;
  return { ...fields, seq, prevHash, hash: hashRecord(fields, seq, prevHash) };
}
// #endregion link

// #region verify
export type Verdict =
  | { ok: true; count: number; head: Head | null }
  | { ok: false; seq: number; problem: 'gap' | 'relinked' | 'altered';
    detail: string };

/**
 * Walks records in order from `after` (a checkpoint already trusted, or
 * the start) and reports the first one that breaks the chain.
 */
export function verifyChain(records: Iterable<Chained<object>>,
  after: Head | null = null): Verdict {
  let prev = after;
  let count = 0;
  for (const r of records) {
    const { seq, prevHash, hash, ...fields } = r;
    const want = prev ? prev.seq + 1 : 1;
    if (seq !== want) return { ok: false, seq, problem: 'gap',
      detail: `expected record ${want}, found ${seq}` };
    if (prevHash !== (prev ? prev.hash : GENESIS)) {
      return { ok: false, seq, problem: 'relinked',
        detail: `record ${seq} does not point at record ${want - 1}` };
    }
    if (hashRecord(fields, seq, prevHash) !== hash) {
      return { ok: false, seq, problem: 'altered',
        detail: `record ${seq} changed after it was written` };
    }
    prev = { seq, hash };
    count++;
  }
  return { ok: true, count, head: prev };
}
// #endregion verify

// #region checkpoint
export interface Checkpoint { seq: number; hash: string; at: string }
export interface SignedCheckpoint extends Checkpoint { signature: string }

/** Signs the head, to be stored where the database owner can't write. */
export function signCheckpoint(head: Head, at: string,
  privateKey: KeyObject): SignedCheckpoint {
  const cp: Checkpoint = { seq: head.seq, hash: head.hash, at };
  const sig = sign(null, Buffer.from(canonicalJson(cp)), privateKey);
  return { ...cp, signature: sig.toString('base64') };
}

/**
 * Checks a stored chain against a signed checkpoint: the signature must
 * be ours, and the record at `seq` must still have the signed hash. This
 * catches a rebuilt chain and newest records dropped before `seq`.
 */
export function checkCheckpoint(records: readonly Head[],
  cp: SignedCheckpoint, publicKey: KeyObject): string | null {
  const { signature, ...signed } = cp;
  const body = Buffer.from(canonicalJson(signed));
  if (!verify(null, body, publicKey, Buffer.from(signature, 'base64'))) {
    return 'checkpoint signature does not verify';
  }
  const at = records.find((r) => r.seq === cp.seq);
  if (!at) return `record ${cp.seq} is missing: the log was cut short`;
  if (at.hash !== cp.hash) {
    return `record ${cp.seq} differs from the checkpoint: chain rebuilt`;
  }
  return null;
}
// #endregion checkpoint

/** A fixed Ed25519 key, so the demo prints the same every run. */
export function demoKeys(seed = Buffer.alloc(32, 7)) {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der',
    type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

if (import.meta.main) {
  const { privateKey, publicKey } = demoKeys();
  type Event = { at: string; actor: string; action: string };
  const chain: Chained<Event>[] = [];
  ['session.login', 'role.grant', 'report.export'].forEach((action, i) => {
    const at = `2026-12-02T09:0${i}:00.000Z`;
    chain.push(link(chain.at(-1) ?? null, { at, actor: 'user:42', action }));
  });
  const cp = signCheckpoint(chain[2]!, '2026-12-02T09:05:00.000Z',
    privateKey);
  console.log(`checkpoint: #${cp.seq} ${cp.hash.slice(0, 12)}, signed`);
  const say = (v: Verdict) => (v.ok ? `ok, ${v.count} records`
    : `${v.problem} at #${v.seq}: ${v.detail}`);

  // Someone with write access turns the grant into a revoke.
  const edited = chain.map((r) => ({ ...r }));
  edited[1]!.action = 'role.revoke';
  console.log('edited #2 ->', say(verifyChain(edited)));
  // They recompute #2's hash too: the link from #3 no longer fits.
  const { seq, prevHash, hash, ...fields } = edited[1]!;
  edited[1] = link(chain[0]!, fields);
  console.log('rehashed #2 ->', say(verifyChain(edited)));
  // The owner rebuilds every hash from #2 on: consistent again.
  const rebuilt: Chained<Event>[] = [chain[0]!];
  for (const r of edited.slice(1)) {
    const { at, actor, action } = r;
    rebuilt.push(link(rebuilt.at(-1)!, { at, actor, action }));
  }
  console.log('rebuilt ->', say(verifyChain(rebuilt)));
  console.log('rebuilt vs checkpoint ->',
    checkCheckpoint(rebuilt, cp, publicKey));
  console.log('newest dropped vs checkpoint ->',
    checkCheckpoint(chain.slice(0, 2), cp, publicKey));
}
