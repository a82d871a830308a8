/**
 * Reading a configuration file, YAML or JSON (YAML 1.2 reads JSON too), and
 * checking its shape against the schema before any value is used. Syntax
 * errors, duplicate keys, unknown keys and secrets written into the file are
 * reported with the file's path and line; the file's text never is, so a
 * value on a bad line cannot leak through an error message.
 * @see https://yaml.org/spec/1.2.2/
 * @see https://eemeli.org/yaml/#options
 */
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type ReadFile, readText } from './secret-files.ts';
import { isSecret, quote, unwrap } from './secret.ts';
import type { Layer } from './settings.ts';

/** A configuration file is a page of settings, not a data set. */
export const MAX_FILE_BYTES = 256 * 1024;

export interface FileValues {
  /** Each setting the file gives, by dotted path: `server.port` → 8080. */
  values: Map<string, unknown>;
  /** Where each came from, `config/app.yaml:3`, for messages. */
  where: Map<string, string>;
  /** One line each, `path:line: what is wrong`. */
  problems: string[];
}

// #region read-file
/** The settings in a config file's text, checked against the schema. */
export function readConfigFile(
  file: string, text: string, schema: z.ZodObject,
): FileValues {
  const out: FileValues = { values: new Map(), where: new Map(), problems: [] };
  if (text.length > MAX_FILE_BYTES) {
    out.problems.push(`${file}: larger than ${MAX_FILE_BYTES} bytes`);
    return out;
  }
  const lines = new LineCounter();
  // prettyErrors: false keeps the file's text out of the messages.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: unknown) => {
    const offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
    return `${file}:${lines.linePos(offset).line}`;
  };
  for (const e of [...doc.errors, ...doc.warnings]) { // warnings: bad tags
    out.problems.push(`${file}:${lines.linePos(e.pos[0]).line}: ${e.message}`);
  }
  if (out.problems.length > 0 || doc.contents === null) return out;

  const walk = (node: unknown, shape: z.ZodType, path: string[]): void => {
    const name = path.join('.') || 'the file';
    const object = unwrap(shape);
    if (!(object instanceof z.ZodObject)) {
      try {
        out.values.set(name, isNode(node) ? node.toJS(doc) : node);
        out.where.set(name, at(node));
      } catch (error) { // an unresolved alias, an alias bomb
        out.problems.push(`${at(node)}: ${name}: ${(error as Error).message}`);
      }
      return;
    }
    const keys = Object.keys(object.shape).join(', ');
    if (!isMap(node)) {
      out.problems.push(`${at(node)}: ${name}: expected keys ${keys}`);
      return;
    }
    for (const { key, value } of node.items) {
      const k = isScalar(key) ? String(key.value) : '';
      const field = Object.hasOwn(object.shape, k)
        ? object.shape[k] as z.ZodType : undefined;
      const where = path.length > 0 ? ` in ${name}` : '';
      if (field === undefined) {
        out.problems.push(`${at(key)}: unknown key ${quote(k)}${where}; ` +
          `expected one of ${keys}`);
      } else if (isSecret(field)) {
        out.problems.push(`${at(key)}: ${[...path, k].join('.')} is ` +
          'secret: set it in the environment, never in a file');
      } else walk(value, field, [...path, k]);
    }
  };
  walk(doc.contents, schema, []);
  return out;
}
// #endregion read-file

/** The file layer: the settings in `file`, each with its line. */
export function fromFile(
  file: string, schema: z.ZodObject, readFile: ReadFile | undefined,
  problems: string[],
): Layer {
  readFile ??= (path) => readText(path, MAX_FILE_BYTES);
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    problems.push(`${file}: cannot read (${String(code ?? message)})`);
    return new Map();
  }
  const read = readConfigFile(file, text, schema);
  problems.push(...read.problems);
  return new Map([...read.values].map(([path, value]) =>
    [path, { value, from: read.where.get(path) ?? file }]));
}
