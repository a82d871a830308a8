/**
 * The command-line layer: `--server.port=8080` or `--server.port 8080`,
 * one flag per setting, parsed with Node's own `util.parseArgs`. A flag
 * never carries a secret (any user on the host can read a command line),
 * and no problem message ever repeats a flag's value.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 * @see https://man7.org/linux/man-pages/man5/proc_pid_cmdline.5.html
 */
import { parseArgs } from 'node:util';
import { shownName } from './safe-messages.ts';
import { coerce, type Layer, type Setting } from './settings.ts';

/** The settings the flags give, and the config file `--config` names. */
export function fromFlags(
  argv: readonly string[], all: Setting[], problems: string[],
): { values: Layer; config?: string } {
  const byName = new Map(all.map((s) => [s.flag.slice(2), s]));
  const options = Object.fromEntries(['config', ...byName.keys()]
    .map((name) => [name, { type: 'string' as const }]));
  const { tokens } = parseArgs({
    args: [...argv], options, strict: false, allowPositionals: true,
    tokens: true,
  });
  const values: Layer = new Map();
  const reported = new Set<number>(); // argv indexes already complained of
  let config: string | undefined;
  for (const t of tokens) { // never echo a value: it may be a secret
    const where = `argument ${t.index + 1}`;
    if (t.kind === 'positional') {
      problems.push(`${where}: unexpected; use --name=value`);
    }
    if (t.kind !== 'option') continue;
    if (!t.rawName.startsWith('--')) {
      // "-session.secret=pw" is read as -s -e -s …: one problem per
      // argument, not per letter, or the letters would spell the value.
      if (!reported.has(t.index)) {
        problems.push(`${where}: unknown flag; use --name=value`);
      }
      reported.add(t.index);
      continue;
    }
    const s = byName.get(t.name);
    const name = shownName(t.rawName);
    // "--port --log.level=debug": --port has no value, not that one
    const value = t.inlineValue === false && t.value?.startsWith('-')
      ? undefined : t.value;
    const empty = value === '' && t.name === 'config'; // "" names no file
    if (s === undefined && t.name !== 'config') {
      problems.push(`${name}: unknown flag`);
    } else if (s?.secret) {
      problems.push(`${name}: a secret; flags show in ps, set ${s.env}`);
    } else if (value === undefined || empty) {
      problems.push(`${name}: needs a value, like ${name}=…`);
    } else if (s) {
      const typed = coerce(value, s.schema);
      values.set(s.path, { value: typed, from: `flag ${name}` });
    } else config = value; // --config
  }
  return { values, config };
}
