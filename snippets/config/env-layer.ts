/**
 * The environment layer of layered configuration: `APP_SERVER__PORT=8080`
 * for `server.port`, and for a secret `APP_SESSION__SECRET_FILE`, the path
 * of a file the platform mounted. A variable with the prefix that names no
 * setting is an error: a typo must not pass silently.
 * @see https://12factor.net/config
 */
import { type Env, type ReadFile, readVar } from './secret-files.ts';
import { shownName } from './safe-messages.ts';
import { coerce, type Layer, type Setting } from './settings.ts';

/** The settings the environment gives; problems are added to `problems`. */
export function fromEnv(
  env: Env, all: Setting[], prefix: string, readFile: ReadFile | undefined,
  problems: string[],
): Layer {
  const layer: Layer = new Map();
  const known = new Set([`${prefix}CONFIG`]);
  const plain = new Set<string>(); // settings that are not secret
  for (const s of all) {
    known.add(s.env);
    if (s.secret) known.add(`${s.env}_FILE`);
    else plain.add(s.env);
    const read = readVar(env, s.env, s.secret, readFile);
    if (read.problem) problems.push(read.problem);
    else if (read.value !== undefined) {
      const value = coerce(read.value, s.schema);
      layer.set(s.path, { value, from: read.from ?? s.env });
    }
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith(prefix) || known.has(name)) continue;
    const fileOfPlain = name.endsWith('_FILE') && plain.has(name.slice(0, -5));
    problems.push(`${shownName(name)}: no setting has this name` +
      (fileOfPlain ? ' (only secrets are read from files)' : ''));
  }
  return layer;
}
