/**
 * Password storage: Argon2id from `node:crypto`, kept as a PHC string,
 * `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>[,keyid=<id>]$<salt>$<hash>`
 * (unpadded B64), where the optional keyid names the pepper that was used.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 * @see https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

// The callback form runs on libuv's thread pool; argon2Sync would stall every
// other request on this process for the length of each hash.
const argon2Async = promisify(argon2);

// #region params
/** Argon2id costs, named as `node:crypto` names them. */
export interface Argon2idParams {
  memory: number; // KiB, PHC `m`
  passes: number; // PHC `t`
  parallelism: number; // lanes, PHC `p`
  tagLength: number; // hash bytes
}

/** OWASP's minimum: m=19456 (19 MiB), t=2, p=1; 32-byte tag. */
export const OWASP_ARGON2ID: Readonly<Argon2idParams> = Object.freeze({
  memory: 19_456, passes: 2, parallelism: 1, tagLength: 32,
});

// The most one hash may cost this server, whatever a stored row claims.
const LIMITS = {
  memory: [8, 262_144], // KiB: 256 MiB ceiling
  passes: [1, 10],
  parallelism: [1, 16],
  tagLength: [16, 64],
} as const;
const SALT_BYTES = 16; // RFC 9106 §3.1
const MAX_SALT_BYTES = 48; // PHC string format, Argon2 encoding
/** UTF-8 bytes after NFC: 64 characters of any script fit easily. */
export const MAX_PASSWORD_BYTES = 1024;
// #endregion params

/** A stored hash that is not a PHC string this module would produce. */
export class PhcFormatError extends Error {
  override name = 'PhcFormatError';
}

/** A stored hash names a pepper (its keyid) that the caller did not pass. */
export class UnknownPepperError extends Error {
  override name = 'UnknownPepperError';
}

export interface ParsedPhc {
  params: Argon2idParams;
  /** The pepper's id from `keyid`; absent means no pepper was used. */
  keyId?: string;
  salt: Buffer;
  hash: Buffer;
}

// #region hash
/** Argon2's secret input, kept outside the database: OWASP's pepper. */
export interface Pepper {
  /** Stored in each hash as the PHC `keyid`: 1-8 of A-Z a-z 0-9 . _ - */
  id: string;
  /** Random bytes (32 is plenty) from a secrets manager or an HSM. */
  secret: Uint8Array;
}

export interface HashDeps {
  /** Salt source; only tests and demos inject a fixed one. */
  randomBytes?: (size: number) => Uint8Array;
  /** The current pepper, if any; new hashes name it. */
  pepper?: Pepper;
}

/** Hashes a new password; RangeError if empty, too long or ill-formed. */
export async function hashPassword(
  password: string,
  params: Argon2idParams = OWASP_ARGON2ID,
  deps: HashDeps = {},
): Promise<string> {
  const problem = checkParams(params);
  if (problem) throw new RangeError(problem);
  const pepper = deps.pepper && checkedPepper(deps.pepper);
  const message = passwordBytes(password);
  if (!message) {
    throw new RangeError(
      `password must be 1-${MAX_PASSWORD_BYTES} bytes of well-formed Unicode`);
  }
  const salt = Buffer.from((deps.randomBytes ?? randomBytes)(SALT_BYTES));
  if (salt.length !== SALT_BYTES) {
    throw new RangeError(`salt source must return ${SALT_BYTES} bytes`);
  }
  const hash = await derive(message, salt, params, pepper?.secret);
  const { memory: m, passes: t, parallelism: p } = params;
  // The pepper's id, never the pepper, so verify can find it after a
  // rotation. No keyid means "no pepper" (PHC string format, Argon2).
  const key = pepper ? `,keyid=${b64(Buffer.from(pepper.id))}` : '';
  return `$argon2id$v=19$m=${m},t=${t},p=${p}${key}`
    + `$${b64(salt)}$${b64(hash)}`;
}
// #endregion hash

// #region verify
/**
 * True only if `password` matches. A malformed `phc` throws PhcFormatError,
 * a keyid with no pepper UnknownPepperError: corruption or a bug, which
 * should alert someone, not read as "no".
 */
export async function verifyPassword(
  password: string,
  phc: string,
  // The current pepper and every retired one still named by some hash.
  deps: { peppers?: readonly Pepper[] } = {},
): Promise<boolean> {
  const stored = parsePhc(phc); // bounds checked before any work
  const secret = pepperFor(stored.keyId, deps.peppers ?? []);
  const message = passwordBytes(password);
  if (!message) return false; // hashPassword never accepted such input
  const actual = await derive(message, stored.salt, stored.params, secret);
  // Lengths match by construction; checking anyway means this never throws.
  return actual.length === stored.hash.length
    && timingSafeEqual(actual, stored.hash);
}

/**
 * True when a hash that just verified was made with other parameters or
 * another pepper (`pepperId`: the current one's id, if you use one).
 */
export function needsRehash(phc: string, current = OWASP_ARGON2ID,
  pepperId?: string): boolean {
  const { params, keyId } = parsePhc(phc);
  return params.memory !== current.memory
    || params.passes !== current.passes
    || params.parallelism !== current.parallelism
    || params.tagLength !== current.tagLength
    || keyId !== pepperId;
}
// #endregion verify

/** The secret a hash's keyid names, or none when it names none. */
function pepperFor(keyId: string | undefined, peppers: readonly Pepper[]) {
  const ids = new Set<string>();
  for (const pepper of peppers) {
    if (ids.has(checkedPepper(pepper).id)) throw new RangeError(`pepper "${pepper.id}" is listed twice`);
    ids.add(pepper.id);
  }
  if (keyId === undefined) return undefined;
  const found = peppers.find((pepper) => pepper.id === keyId);
  if (!found) throw new UnknownPepperError(`no pepper with keyid "${keyId}": keep a retired pepper until no stored hash names it`);
  return found.secret;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,8}$/; // 8 bytes: the PHC maximum for keyid

/** The pepper, if well-formed; the error never mentions the secret. */
function checkedPepper(pepper: Pepper): Pepper {
  if (typeof pepper?.id !== 'string' || !KEY_ID.test(pepper.id)) throw new RangeError('pepper id must be 1-8 of A-Z a-z 0-9 . _ -');
  if (!(pepper.secret instanceof Uint8Array) || pepper.secret.length === 0) throw new RangeError(`pepper "${pepper.id}" needs a secret of 1 or more bytes`);
  return pepper;
}

/** Strictly parses `$argon2id$v=19$m=…,t=…,p=…[,keyid=…]$<salt>$<hash>` and nothing else. */
export function parsePhc(phc: string): ParsedPhc {
  if (typeof phc !== 'string' || phc.length > 256) throw new PhcFormatError('stored hash must be a string of at most 256 characters');
  const fields = phc.split('$');
  if (fields.length !== 6 || fields[0] !== '') throw new PhcFormatError('stored hash must have 5 fields: $argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>');
  const [, id, version, list = '', salt64 = '', hash64 = ''] = fields;
  if (id !== 'argon2id') throw new PhcFormatError(`algorithm must be argon2id, found "${id}"`);
  if (version !== 'v=19') throw new PhcFormatError(`version must be v=19 (Argon2 1.3), found "${version}"`);
  // PHC decimals: no sign, no leading zeros, at most 10 digits; the spec's order
  // (m,t,p,keyid), and nothing else: this module never writes `data`.
  const m = /^m=(0|[1-9]\d{0,9}),t=(0|[1-9]\d{0,9}),p=(0|[1-9]\d{0,9})(?:,keyid=([^,]*))?$/.exec(list);
  if (!m) throw new PhcFormatError(`parameters must be exactly m=<int>,t=<int>,p=<int>[,keyid=<B64>], found "${list}"`);
  const keyId = m[4] === undefined ? undefined : fromB64('keyid', m[4], 1, 8).toString('latin1');
  if (keyId !== undefined && !KEY_ID.test(keyId)) throw new PhcFormatError('keyid must name a pepper: 1-8 of A-Z a-z 0-9 . _ -');
  const salt = fromB64('salt', salt64, SALT_BYTES, MAX_SALT_BYTES);
  const hash = fromB64('hash', hash64, ...LIMITS.tagLength);
  const params = { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]), tagLength: hash.length };
  const problem = checkParams(params);
  if (problem) throw new PhcFormatError(problem);
  return { params, ...(keyId === undefined ? {} : { keyId }), salt, hash };
}

function checkParams(params: Argon2idParams): string | undefined {
  for (const key of ['memory', 'passes', 'parallelism', 'tagLength'] as const) {
    const [min, max] = LIMITS[key];
    const value = params[key];
    if (!Number.isInteger(value) || value < min || value > max) return `${key} must be an integer from ${min} to ${max}, found ${value}`;
  }
  if (params.memory < 8 * params.parallelism) return `memory must be at least 8 KiB per lane, found ${params.memory}`;
  return undefined;
}

/** NFC-normalized UTF-8 (NIST SP 800-63B-4 §3.1.1.2), or undefined when empty, too long or ill-formed. */
function passwordBytes(password: string): Buffer | undefined {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  // Bound the raw input first: normalizing a megabyte costs CPU too.
  if (password.length === 0 || password.length > MAX_PASSWORD_BYTES) return undefined;
  // A lone surrogate has no UTF-8 form: Buffer.from writes U+FFFD for it,
  // which would make "a\uD800", "a\uDC00" and "a\uFFFD" one password.
  if (!password.isWellFormed()) return undefined;
  // NFC, not NFKC: "ｐａｓｓ" and "pass" stay different passwords.
  const bytes = Buffer.from(password.normalize('NFC'), 'utf8');
  return bytes.length <= MAX_PASSWORD_BYTES ? bytes : undefined;
}

function derive(message: Buffer, salt: Buffer, p: Argon2idParams, pepper?: Uint8Array): Promise<Buffer> {
  const { memory, passes, parallelism, tagLength } = p;
  return argon2Async('argon2id', { message, nonce: salt, memory, passes, parallelism, tagLength, secret: pepper });
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

function fromB64(field: string, text: string, min: number, max: number): Buffer {
  const bytes = Buffer.from(text, 'base64');
  // Buffer.from skips junk and padding; re-encoding proves the text was canonical.
  if (text === '' || b64(bytes) !== text) throw new PhcFormatError(`${field} must be unpadded standard base64`);
  if (bytes.length < min || bytes.length > max) throw new PhcFormatError(`${field} must be ${min}-${max} bytes, found ${bytes.length}`);
  return bytes;
}

if (import.meta.main) {
  const fixedSalt = () => Uint8Array.from({ length: 16 }, (_, i) => i); // demo only
  // Demo only: production loads peppers from a secrets manager.
  const pep1: Pepper = { id: 'pep-1', secret: new Uint8Array(32).fill(7) };
  const pw = 'correct horse battery staple';
  const phc = await hashPassword(pw, OWASP_ARGON2ID, { randomBytes: fixedSalt, pepper: pep1 });
  const peppers = [pep1];
  console.log(`stored: ${phc}`);
  console.log(`right password:  ${await verifyPassword(pw, phc, { peppers })}`);
  console.log(`wrong password:  ${await verifyPassword('Correct horse battery staple', phc, { peppers })}`);
  console.log(`needsRehash, same params, pep-1: ${needsRehash(phc, OWASP_ARGON2ID, 'pep-1')}`);
  console.log(`needsRehash, m=47104,t=1,p=1:    ${needsRehash(phc, { ...OWASP_ARGON2ID, memory: 47_104, passes: 1 }, 'pep-1')}`);
  console.log(`needsRehash, rotated to pep-2:   ${needsRehash(phc, OWASP_ARGON2ID, 'pep-2')}`);
  await verifyPassword(pw, phc, { peppers: [] }).catch((e: Error) => console.log(`pep-1 retired too soon: ${e.name}: ${e.message}`));
  const tampered = phc.replace('m=19456', 'm=4194304'); // a 4 GiB row
  await verifyPassword(pw, tampered, { peppers }).catch((e: Error) => console.log(`tampered row: ${e.name}: ${e.message}`));
}
