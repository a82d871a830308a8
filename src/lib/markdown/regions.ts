/**
 * Named regions in snippet files: `// #region name` … `// #endregion name`,
 * or in Python (`.py`) `# region name` … `# endregion name` (`#region` works
 * too). Pages show a region; the markers never appear on the page. Markers
 * must be balanced, properly nested and unique per file, and are checked here.
 */

const SLASH_MARKER = /^\s*\/\/\s*#(region|endregion)\b\s*(.*?)\s*$/;
const HASH_MARKER = /^\s*#\s*(region|endregion)\b\s*(.*?)\s*$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface Region {
  name: string;
  /** 1-based line numbers of the first and last line shown (markers excluded). */
  startLine: number;
  endLine: number;
  /** The region's code: dedented, inner markers stripped, no blank edges. */
  code: string;
}

export class RegionError extends Error {
  override name = 'RegionError';
}

const isPython = (file: string) => file.endsWith('.py');

/** How a marker is written in `file`: `// #region` in TypeScript, `# region` in Python. */
function syntax(file: string): { marker: RegExp; write: (kind: string, name: string) => string } {
  return isPython(file)
    ? { marker: HASH_MARKER, write: (kind, name) => `# ${kind} ${name}` }
    : { marker: SLASH_MARKER, write: (kind, name) => `// #${kind} ${name}` };
}

/** Parses every region in a file, or throws a RegionError naming the line. */
export function parseRegions(source: string, file: string): Map<string, Region> {
  const { marker, write } = syntax(file);
  const lines = source.split(/\r?\n/);
  const open: { name: string; line: number }[] = [];
  const spans = new Map<string, { start: number; end: number }>();

  lines.forEach((text, index) => {
    const match = marker.exec(text);
    if (!match) return;
    const [, kind = 'region', name = ''] = match;
    const at = `${file}:${index + 1}`;
    if (!NAME.test(name)) {
      throw new RegionError(`${at}: "#${kind}" needs a name in kebab-case, like "${write(kind, 'verify-signature')}"; found "${name}"`);
    }
    if (kind === 'region') {
      if (spans.has(name) || open.some((o) => o.name === name)) {
        throw new RegionError(`${at}: region "${name}" is defined twice; give each region its own name`);
      }
      open.push({ name, line: index });
      return;
    }
    const top = open.pop();
    if (!top) throw new RegionError(`${at}: "#endregion ${name}" has no matching "#region ${name}" above it`);
    if (top.name !== name) {
      throw new RegionError(`${at}: "#endregion ${name}" closes region "${top.name}" (opened at line ${top.line + 1}); close "${top.name}" first`);
    }
    spans.set(name, { start: top.line + 1, end: index - 1 });
  });

  const unclosed = open.pop();
  if (unclosed) {
    throw new RegionError(`${file}:${unclosed.line + 1}: region "${unclosed.name}" is never closed; add "${write('endregion', unclosed.name)}"`);
  }

  const regions = new Map<string, Region>();
  for (const [name, span] of spans) regions.set(name, shape(name, lines, span.start, span.end, marker));
  return regions;
}

/** One region of a file, or a RegionError that lists the regions there are. */
export function extractRegion(source: string, file: string, name: string): Region {
  const regions = parseRegions(source, file);
  const { write } = syntax(file);
  const region = regions.get(name);
  if (!region) {
    const known = [...regions.keys()];
    const hint = known.length ? `regions in that file: ${known.join(', ')}` : 'that file has no regions yet';
    throw new RegionError(`${file}: no region "${name}" (${hint}); mark it with "${write('region', name)}" … "${write('endregion', name)}"`);
  }
  return region;
}

function shape(name: string, lines: string[], start: number, end: number, marker: RegExp): Region {
  const kept: { text: string; line: number }[] = [];
  for (let i = start; i <= end; i++) {
    if (!marker.test(lines[i]!)) kept.push({ text: lines[i]!, line: i + 1 });
  }
  while (kept.length && kept[0]!.text.trim() === '') kept.shift();
  while (kept.length && kept.at(-1)!.text.trim() === '') kept.pop();
  if (kept.length === 0) throw new RegionError(`region "${name}" (line ${start}) is empty`);
  const indent = Math.min(...kept.filter((l) => l.text.trim()).map((l) => /^\s*/.exec(l.text)![0].length));
  return {
    name,
    startLine: kept[0]!.line,
    endLine: kept.at(-1)!.line,
    code: kept.map((l) => l.text.slice(indent).trimEnd()).join('\n'),
  };
}
