/**
 * What Node's `console.log(...args)` prints, for the browser runner's
 * console: `util.format` over the arguments, with `util.inspect`'s layout
 * for the values our demos print (primitives, arrays, plain objects, Maps,
 * Sets, Dates, errors). Node's line breaking of long values is matched for
 * objects and short arrays; where a value is laid out differently, the
 * output-equality test (tests/e2e/run-output.spec.ts) catches it and the
 * module is listed as Node-only in browser-exceptions.ts.
 */

const BREAK = 80;

/** `util.format(...args)`: format specifiers in a first string, then the rest joined by spaces. */
export function formatArgs(args: readonly unknown[]): string {
  const parts: string[] = [];
  let rest = args;
  if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
    let index = 1;
    const text = args[0].replace(/%([sdifjoOc%])/g, (match, spec: string) => {
      if (spec === '%') return '%';
      if (index >= args.length) return match;
      const value = args[index++];
      switch (spec) {
        case 's': return typeof value === 'string' ? value : typeof value === 'bigint' ? `${value}n` : typeof value === 'object' && value !== null ? inspect(value, 0) : formatPrimitive(value);
        case 'd': case 'i': {
          if (typeof value === 'bigint') return `${value}n`;
          const n = spec === 'd' ? Number(value) : Number.parseInt(String(value));
          return formatNumber(n);
        }
        case 'f': return formatNumber(Number.parseFloat(String(value)));
        case 'j': return JSON.stringify(value);
        case 'c': return '';
        default: return inspect(value);
      }
    });
    parts.push(text);
    rest = args.slice(index);
  } else if (args.length) {
    parts.push(typeof args[0] === 'string' ? args[0] : inspect(args[0]));
    rest = args.slice(1);
  }
  for (const value of rest) parts.push(typeof value === 'string' ? value : inspect(value));
  return parts.join(' ');
}

const formatNumber = (n: number) => (Object.is(n, -0) ? '-0' : String(n));

function formatPrimitive(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  return String(value);
}

const quote = (s: string) => (s.includes("'") ? (s.includes('"') ? `\`${s}\`` : JSON.stringify(s)) : `'${s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}'`);
const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k));

/** `util.inspect(value)` for the kinds of values above, depth 2 as Node's default. */
export function inspect(value: unknown, depth = 2, indent = 0): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'function') {
    if (/^class\b/.test(Function.prototype.toString.call(value))) return `[class ${value.name || '(anonymous)'}]`;
    return value.name ? `[Function: ${value.name}]` : '[Function (anonymous)]';
  }
  if (typeof value !== 'object' || value === null) return formatPrimitive(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (value instanceof RegExp) return String(value);
  const nested = (v: unknown) => (depth < 0 ? '' : inspect(v, depth - 1, indent + 2));
  let entries: string[];
  let braces: [string, string];
  if (Array.isArray(value)) {
    if (depth < 0) return '[Array]';
    entries = value.map(nested);
    braces = ['[', ']'];
  } else if (value instanceof Map) {
    if (depth < 0) return '[Map]';
    entries = [...value].map(([k, v]) => `${nested(k)} => ${nested(v)}`);
    braces = [`Map(${value.size}) {`, '}'];
  } else if (value instanceof Set) {
    if (depth < 0) return '[Set]';
    entries = [...value].map(nested);
    braces = [`Set(${value.size}) {`, '}'];
  } else {
    if (depth < 0) return '[Object]';
    entries = Object.entries(value).map(([k, v]) => `${key(k)}: ${nested(v)}`);
    const proto = Object.getPrototypeOf(value);
    const name = proto === null ? '[Object: null prototype]' : proto === Object.prototype ? '' : proto.constructor?.name ?? '';
    braces = [name ? `${name} {` : '{', '}'];
  }
  if (entries.length === 0) return braces[0].endsWith('{') ? `${braces[0]}}` : '[]';
  return layout(entries, braces, indent, Array.isArray(value));
}

/** Node's reduceToSingleString with compact 3: one line when it fits in 80 columns, else one entry per line. */
function layout(entries: string[], [open, close]: [string, string], indent: number, isArray: boolean): string {
  const total = entries.reduce((sum, e) => sum + e.length, 0) + entries.length;
  const start = entries.length + indent + open.length + 10;
  const fits = total + start <= BREAK && !entries.some((e) => e.includes('\n'));
  if (fits && !(isArray && entries.length > 6)) return `${open} ${entries.join(', ')} ${close}`;
  if (isArray && entries.length > 6) throw new Error('arrays longer than 6 are grouped in columns by Node; not reproduced');
  const pad = ' '.repeat(indent + 2);
  return `${open}\n${pad}${entries.join(`,\n${pad}`)}\n${' '.repeat(indent)}${close}`;
}
