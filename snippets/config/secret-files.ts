/**
 * Where a variable's value comes from: the environment itself or, for a
 * secret, the file that `NAME_FILE` names, the way orchestrators hand over
 * mounted secrets. Files are read defensively: regular files only, bounded,
 * UTF-8, checked on the open descriptor.
 * @see https://docs.docker.com/compose/how-tos/use-secrets/
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { quote } from './secret.ts';

/** The process environment, or a stand-in for it: names to strings. */
export type Env = Readonly<Record<string, string | undefined>>;
/** Reads a whole file as text; injected so tests need no disk. */
export type ReadFile = (path: string) => string;

/** A mounted secret is a password or a key, not a document. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;
const tooBig = `larger than ${MAX_SECRET_FILE_BYTES} bytes`;

// #region secret-files
/**
 * A variable's value. A secret may instead come from the file that
 * `NAME_FILE` names, which is how orchestrators hand over mounted
 * secrets (Docker at /run/secrets/<name>); one trailing newline is cut.
 */
export function readVar(
  env: Env, name: string, isSecretVar: boolean, readFile: ReadFile = readText,
): { value?: string; from?: string; problem?: string } {
  const fileVar = `${name}_FILE`;
  const path = isSecretVar ? own(env, fileVar) : undefined;
  if (path === undefined) {
    const value = own(env, name);
    return value === undefined ? {} : { value, from: `env ${name}` };
  }
  if (own(env, name) !== undefined) {
    return { problem: `${name} and ${fileVar} are both set; keep one` };
  }
  let text: string;
  try {
    text = readFile(path);
    if (text.length > MAX_SECRET_FILE_BYTES) throw new Error(tooBig);
  } catch (error) { // ENOENT, EACCES…: the code, never the content
    const why = (error as { code?: unknown }).code ?? (error as Error).message;
    return { problem: `${fileVar}: cannot read ${quote(path)} (${why})` };
  }
  return { value: text.replace(/\r?\n$/, ''), from: `file via ${fileVar}` };
}
// #endregion secret-files

/**
 * A file's text, for secrets and config files alike. Checked on the open
 * descriptor, so the file checked is the file read: a device such as
 * /dev/zero would never end, and opening a named pipe would wait for a
 * writer (O_NONBLOCK: it does not). The read stops one byte past the
 * limit, whatever size the file claimed.
 */
export function readText(
  path: string, maxBytes = MAX_SECRET_FILE_BYTES,
): string {
  const tooLarge = `larger than ${maxBytes} bytes`;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > maxBytes) throw new Error(tooLarge);
    const buffer = Buffer.alloc(maxBytes + 1);
    let size = 0;
    for (let n = -1; n !== 0 && size < buffer.length; size += n) {
      n = readSync(fd, buffer, size, buffer.length - size, null);
    }
    if (size > maxBytes) throw new Error(tooLarge); // it grew since fstat
    return utf8(buffer.subarray(0, size));
  } finally {
    closeSync(fd);
  }
}

/** Bytes as UTF-8 text; a binary key is refused, not silently mangled. */
function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('not UTF-8 text');
  }
}

/** `env[name]` if set on the object itself, never from its prototype. */
function own(env: Env, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}
