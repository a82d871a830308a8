/**
 * Proactive content negotiation on `Accept` (RFC 9110 §12.1, §12.5.1): the
 * client lists the media types it can use, with weights; the server picks
 * the best one it has, or answers 406 when nothing it has is acceptable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1
 */

/** One member of an Accept list, e.g. `text/*;q=0.5`. */
export interface MediaRange {
  type: string; // lowercased; '*' for any
  subtype: string; // lowercased; '*' for any
  params: Record<string, string>; // names lowercased; q removed
  q: number; // 0 = not acceptable, 1 = most preferred (§12.4.2)
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on `sep` outside double quotes, honouring backslash escapes. */
function split(value: string, sep: ',' | ';'): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\') {
      current += ch + (value[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts;
}

const unquote = (v: string) => v.length >= 2 && v.startsWith('"') && v.endsWith('"')
  ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;

/** `type/subtype;name=value`, or undefined when it does not parse. */
function parseMediaType(text: string) {
  const [essence = '', ...rest] = split(text, ';');
  const [type, subtype, extra] = essence.toLowerCase().split('/');
  if (extra !== undefined || !type || !subtype
    || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  // No prototype, so a parameter named __proto__ is stored, not swallowed.
  const params: Record<string, string> = Object.create(null);
  for (const param of rest) {
    if (param === '') continue; // `text/csv;` is allowed (RFC 9110 §5.6.6)
    const eq = param.indexOf('=');
    const name = param.slice(0, eq).trim().toLowerCase();
    if (eq < 1 || !TOKEN.test(name)) return undefined;
    params[name] = unquote(param.slice(eq + 1).trim());
  }
  return { type, subtype, params };
}

/** Parses Accept; a malformed member is skipped rather than failing all. */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const member of split(header, ',')) {
    const media = member === '' ? undefined : parseMediaType(member);
    if (!media || (media.type === '*' && media.subtype !== '*')) continue;
    // "q" is the weight wherever it appears (§12.5.1).
    const { q = '1', ...params } = media.params;
    if (!QVALUE.test(q)) continue;
    ranges.push({ type: media.type, subtype: media.subtype, params, q: Number(q) });
  }
  return ranges;
}

// charset values are case-insensitive (RFC 9110 §8.3.2); others may not be.
const same = (name: string, a: string, b: string) =>
  name === 'charset' ? a.toLowerCase() === b.toLowerCase() : a === b;

// #region negotiate
// How specific a range is: text/plain;format=flowed > text/plain > text/* > */*
const precedence = (r: MediaRange) => (r.type === '*' ? 0 : r.subtype === '*'
  ? 1 : 2 + Object.keys(r.params).length);

/** The weight Accept gives `offer`: that of its most specific match. */
export function quality(ranges: readonly MediaRange[], offer: string): number {
  const media = parseMediaType(offer);
  if (!media) throw new TypeError(`not a media type: ${offer}`);
  let best: MediaRange | undefined;
  for (const r of ranges) {
    const matches = (r.type === '*' || r.type === media.type)
      && (r.subtype === '*' || r.subtype === media.subtype)
      && Object.entries(r.params).every(([name, value]) => {
        const have = media.params[name]; // no prototype: own keys only
        return have !== undefined && same(name, have, value);
      });
    if (matches && (!best || precedence(r) > precedence(best))) best = r;
  }
  return best?.q ?? 0;
}

/**
 * The offer the client prefers, ties going to the server's order; undefined
 * means 406. No usable Accept means no preference: the first offer wins.
 */
export function negotiate(accept: string | null,
  offers: readonly string[]): string | undefined {
  const ranges = parseAccept(accept ?? '');
  if (ranges.length === 0) return offers[0];
  let chosen: string | undefined;
  let top = 0;
  for (const offer of offers) {
    const q = quality(ranges, offer);
    if (q > top) [chosen, top] = [offer, q];
  }
  return chosen;
}
// #endregion negotiate

if (import.meta.main) {
  const offers = ['application/json', 'text/csv; charset=utf-8'];
  const accepts = [
    null,
    'text/csv',
    'TEXT/CSV; Charset="UTF-8"',
    'application/*;q=0.5, text/*',
    'text/*, text/csv;q=0',
    '*/*;q=0.1, application/json;q=0',
    'image/png',
  ];
  for (const accept of accepts) {
    const chosen = negotiate(accept, offers) ?? '406 Not Acceptable';
    console.log(`${(accept ?? '(no Accept)').padEnd(34)} -> ${chosen}`);
  }
}
