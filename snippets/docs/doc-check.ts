/**
 * Checks that a repository's onboarding docs tell the truth: every command
 * they show names a real npm script or file, and every relative link reaches
 * a file (and heading) in the repository. It reads Markdown; it never runs a
 * command and never touches the network (http(s) links are listed as
 * unchecked). File access is injected, so the checker is a pure function.
 * @see https://github.github.com/gfm/ (fences, code spans, links)
 * @see https://github.com/Flet/github-slugger (GitHub's heading anchors)
 */
import GithubSlugger from 'github-slugger';
import { posix } from 'node:path';

/** Repository access; paths are relative to the root, with `/`. */
export interface RepoFiles {
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
}

export interface Problem { file: string; line: number; message: string }
export interface DocReport {
  file: string;
  links: number;
  commands: number;
  problems: Problem[];
  /** External links: listed, never fetched. */
  unchecked: { line: number; url: string }[];
}

export interface Found { line: number; text: string }
export interface Scan {
  links: Found[];
  commands: Found[];
  headings: Found[];
}

const MAX_DOC_BYTES = 1024 * 1024;

// #region scan
const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const INLINE_CMD = /^(npm (run |test\b)|node |bash |npx (vitest|playwright) )/;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)/;
// Every `](` starts a destination: <with spaces> or bare; titles ignored.
// Matching `](` rather than `[...]` also finds the link around a badge.
const DEST = /\]\(\s*(?:<([^<>\n]*)>|([^\s<)][^\s)]*))/g;
const HTML_URL = /<(?:a|img)\s(?:[^<>]*?\s)?(?:href|src)="([^"<>]*)"/gi;
const AUTOLINK = /<(https?:\/\/[^<>\s]+)>/g;
const REF_DEF = /^ {0,3}\[([^[\]]+)\]:\s*(?:<([^<>]*)>|(\S+))/;
const REF_USE = /\[([^[\]]+)\](?:\[([^[\]]*)\])?(?![(:])/g;

/** Finds links, commands and headings; code is data, never run. */
export function scanMarkdown(text: string): Scan {
  const scan: Scan = { links: [], commands: [], headings: [] };
  const refs = new Map<string, string>();
  const refUses: Found[] = [];
  let fence: { mark: string; shell: boolean; deep: boolean } | undefined;
  let blank = true; // the line before was blank
  let inList = false; // indented text belongs to a list item
  let indented = false; // inside an indented code block
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const lead = raw.replace(/\t/g, '    ').search(/\S/);
    const open = lead >= 0 ? FENCE.exec(raw.trimStart()) : null;
    if (fence) {
      const mark = open?.[1] ?? '';
      const closes = mark[0] === fence.mark[0] && open?.[2] === ''
        && mark.length >= fence.mark.length && (lead <= 3 || fence.deep);
      if (closes) fence = undefined;
      else if (fence.shell) addShell(scan, raw, line);
      return;
    }
    if (lead < 0) { blank = true; return; }
    const afterBlank = blank;
    blank = false;
    if (lead >= 4 && !inList && (afterBlank || indented)) {
      indented = true; // indented code: skipped like a fence
      return;
    }
    indented = false;
    if (LIST_ITEM.test(raw)) inList = true;
    else if (afterBlank && lead === 0) inList = false;
    if (open?.[1] && (lead <= 3 || inList)) {
      const lang = (open[2] ?? '').toLowerCase();
      fence = { mark: open[1], shell: SHELL.has(lang), deep: lead > 3 };
      return;
    }
    const def = REF_DEF.exec(raw);
    if (def?.[1]) {
      refs.set(label(def[1]), def[2] ?? def[3] ?? '');
      return;
    }
    const heading = atxHeading(raw);
    const next = lines[i + 1] ?? '';
    if (heading !== undefined) {
      scan.headings.push({ line, text: heading });
    } else if (/^ {0,3}(=+|-+)\s*$/.test(next)
      && !/^\s*([-*+>|]|\d+\.)/.test(raw)) {
      scan.headings.push({ line, text: raw.trim() });
    }
    const prose = blankCodeSpans(raw, (code) => {
      const cmd = code.trim();
      if (INLINE_CMD.test(cmd)) scan.commands.push({ line, text: cmd });
    });
    for (const re of [DEST, HTML_URL, AUTOLINK]) {
      for (const m of prose.matchAll(re)) {
        scan.links.push({ line, text: m[1] ?? m[2] ?? '' });
      }
    }
    for (const m of prose.matchAll(REF_USE)) {
      refUses.push({ line, text: label(m[2] || (m[1] ?? '')) });
    }
  });
  for (const use of refUses) {
    const url = refs.get(use.text);
    if (url !== undefined) scan.links.push({ line: use.line, text: url });
  }
  scan.links.sort((a, b) => a.line - b.line);
  return scan;
}

function label(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Splits a shell line into commands at `&&`, `||`, `;` and `|`. */
function addShell(scan: Scan, raw: string, line: number): void {
  const body = raw.replace(/^\s*\$\s+/, '').replace(/(^|\s)#.*$/, '');
  for (const part of body.split(/&&|\|\||;|\|/)) {
    const cmd = part.trim().replace(/^(\w+=\S*\s+)+/, '');
    if (cmd) scan.commands.push({ line, text: cmd });
  }
}
// #endregion scan

/**
 * A code span runs from a string of n backticks to the next string of
 * exactly n (CommonMark, "Code spans"). Found in one pass over the
 * backtick runs: the regex /(`+)(.+?)\1/ takes seconds on a line of
 * 50,000 backticks.
 */
function blankCodeSpans(raw: string, onCode: (code: string) => void): string {
  const runs = [...raw.matchAll(/`+/g)].map((m) => [m.index, m[0].length]);
  const next: number[] = [];
  const seen = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    const len = runs[i]![1]!;
    next[i] = seen.get(len) ?? -1;
    seen.set(len, i);
  }
  let out = '';
  let pos = 0;
  for (let i = 0; i < runs.length; i++) {
    const j = next[i]!;
    if (j < 0) continue; // no closing run: literal backticks
    const [at = 0, len = 0] = runs[i]!;
    const [closeAt = 0, closeLen = 0] = runs[j]!;
    onCode(raw.slice(at + len, closeAt));
    out += raw.slice(pos, at) + ' '.repeat(closeAt + closeLen - at);
    pos = closeAt + closeLen;
    i = j;
  }
  return out + raw.slice(pos);
}

/** An ATX heading's text, without its closing `#`s; loops, not regexes. */
function atxHeading(raw: string): string | undefined {
  const m = /^ {0,3}#{1,6}(?=[ \t]|$)/.exec(raw);
  if (!m) return undefined;
  const text = raw.slice(m[0].length).trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  const closing = end < text.length && (end === 0 || /\s/.test(text[end - 1]!));
  return closing ? text.slice(0, end).trim() : text;
}


// #region slugs
/** GitHub's anchors: the heading's text, slugged, `-1` on repeats. */
export function headingSlugs(headings: readonly Found[]): Set<string> {
  const slugger = new GithubSlugger();
  const slugs = new Set<string>();
  for (const h of headings) {
    const plain = h.text
      .replace(/!?\[([^[\]]*)\]\([^()]*\)/g, '$1') // links keep their text
      .replace(/<[^<>]+>/g, '') // inline HTML goes
      .replace(/`+([^`]*)`+/g, '$1') // code keeps its text
      .replace(/(\*{1,3}|_{1,3})(\S.*?)\1/g, '$2'); // emphasis markers
    slugs.add(slugger.slug(plain));
  }
  return slugs;
}
// #endregion slugs

// #region resolve-path
/** A repository path, or an error for one that leaves the repository. */
export function repoPath(from: string, target: string): string | Error {
  if (target.includes('\\')) {
    return new Error(`"${target}" uses \\; paths in docs use /`);
  }
  const base = target.startsWith('/') ? '' : posix.dirname(from);
  const joined = posix.normalize(posix.join(base, target));
  if (joined === '..' || joined.startsWith('../')) {
    return new Error(`"${target}" points outside the repository`);
  }
  return joined === '.' ? '' : joined.replace(/^\/+|\/+$/g, '');
}
// #endregion resolve-path

// #region commands
/** Why a command a doc shows would fail, judged from files alone. */
const FILE_ARG: Record<string, RegExp> = {
  node: /\.(ts|mts|js|mjs|cjs)$/,
  bash: /\.sh$/,
};

/** `<file>.ts` or `snippets/…` is a template for the reader to fill in. */
const PLACEHOLDER = /[<>…]|\.\.\./;

export function commandProblem(
  cmd: string, scripts: Record<string, unknown>, fs: RepoFiles,
): string | undefined {
  const words = cmd.split(/\s+/);
  const [tool, sub, name] = words;
  if (tool === 'npm' && (sub === 'test' || sub === 't')) {
    return 'test' in scripts ? undefined : `no "test" script for "${cmd}"`;
  }
  if (tool === 'npm' && (sub === 'run' || sub === 'run-script')) {
    if (!name || name.startsWith('-')) return undefined; // lists scripts
    return Object.hasOwn(scripts, name)
      ? undefined : `package.json has no script "${name}"`;
  }
  let paths: string[] = [];
  const ext = FILE_ARG[tool ?? ''];
  if (ext) paths = words.slice(1).filter((w) => ext.test(w)).slice(0, 1);
  if (tool === 'npx' && (sub === 'vitest' || sub === 'playwright')) {
    paths = words.slice(3).filter((w) => /^[^-].*\.\w+$/.test(w));
  }
  for (const p of paths.filter((w) => !PLACEHOLDER.test(w))) {
    const path = repoPath('', p); // commands run from the root
    if (path instanceof Error) return path.message;
    if (!fs.exists(path)) return `"${p}" does not exist (in "${cmd}")`;
  }
  return undefined;
}
// #endregion commands

export function checkDoc(file: string, fs: RepoFiles): DocReport {
  const report: DocReport = {
    file, links: 0, commands: 0, problems: [], unchecked: [],
  };
  const text = fs.readFile(file);
  if (text === undefined) throw new Error(`${file}: no such file`);
  if (text.length > MAX_DOC_BYTES) throw new Error(`${file}: too large`);
  const scan = scanMarkdown(text);
  const scripts = readScripts(fs);
  const problem = (line: number, message: string) =>
    report.problems.push({ file, line, message });
  const anchors = new Map<string, Set<string> | undefined>(); // one scan each

  for (const c of scan.commands) {
    report.commands++;
    let why: string | undefined;
    try { why = commandProblem(c.text, scripts, fs); } catch (e) {
      why = (e as Error).message; // e.g. a symlink out of the repository
    }
    if (why) problem(c.line, why);
  }
  for (const { line, text: url } of scan.links) {
    if (/^[a-z][a-z\d+.-]*:/i.test(url) || url.startsWith('//')) {
      report.unchecked.push({ line, url }); // http(s), mailto: no network
      continue;
    }
    report.links++;
    const [rawPath = '', anchor] = url.split('#', 2);
    let decoded: string;
    try { decoded = decodeURIComponent(rawPath); } catch {
      problem(line, `"${url}" is not a valid URL path`);
      continue;
    }
    const path = decoded ? repoPath(file, decoded) : file;
    if (path instanceof Error) { problem(line, path.message); continue; }
    let found: boolean;
    try { found = !path || fs.exists(path); } catch (e) {
      problem(line, `"${url}": ${(e as Error).message}`);
      continue;
    }
    if (!found) {
      problem(line, `"${url}": ${path} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!anchors.has(path)) {
      const target = path === file ? text : fs.readFile(path);
      const md = /\.(md|markdown|mdx)$/i.test(path) && target !== undefined;
      anchors.set(path, md ? anchorIds(target) : undefined);
    }
    const ids = anchors.get(path);
    if (ids === undefined) {
      report.unchecked.push({ line, url }); // e.g. #L10 in a code file
      continue;
    }
    let id = anchor;
    try { id = decodeURIComponent(anchor); } catch { /* compare as is */ }
    if (!ids.has(id.toLowerCase())) {
      problem(line, `"${url}": no heading "#${anchor}" in ${path}`);
    }
  }
  return report;
}

/**
 * Heading slugs plus HTML `id`/`name` anchors, lowercased: a fragment is
 * matched ignoring case (as markdownlint's ignore_case option does).
 */
function anchorIds(markdown: string): Set<string> {
  const ids = headingSlugs(scanMarkdown(markdown).headings);
  const html = /<a\s(?:[^<>]*?\s)?(?:name|id)="([^"<>]+)"/gi;
  for (const m of markdown.matchAll(html)) ids.add((m[1] ?? '').toLowerCase());
  return ids;
}

function readScripts(fs: RepoFiles): Record<string, unknown> {
  const json = fs.readFile('package.json');
  if (json === undefined) return {};
  let pkg: unknown;
  try { pkg = JSON.parse(json); } catch (e) {
    throw new Error(`package.json is not valid JSON: ${(e as Error).message}`);
  }
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  if (scripts === undefined) return {};
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) {
    throw new Error('package.json "scripts" must be an object');
  }
  return scripts as Record<string, unknown>;
}

/**
 * Real files under one root; refuses paths that leave it, including through
 * a symlink whose target lies outside (GitHub does not follow those either).
 */
export async function repoFiles(root: string): Promise<RepoFiles> {
  const { existsSync, readFileSync, realpathSync } = await import('node:fs');
  const { join, relative, isAbsolute, sep } = await import('node:path');
  const inRoot = (p: string): string | undefined => {
    if (repoPath('', p) instanceof Error) throw new Error(`outside: ${p}`);
    const full = join(root, p);
    if (!existsSync(full)) return undefined;
    const rel = relative(realpathSync(root), realpathSync(full));
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new Error(`${p} resolves outside the repository`);
    }
    return full;
  };
  return {
    readFile: (p) => {
      const full = inRoot(p);
      if (full === undefined) return undefined;
      try { return readFileSync(full, 'utf8'); } catch { return undefined; }
    },
    exists: (p) => inRoot(p) !== undefined,
  };
}

export const ONBOARDING_DOCS = [
  'README.md', 'CONTRIBUTING.md', 'STYLE.md', 'bench/README.md',
];

if (import.meta.main) {
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const fs = await repoFiles(root);
  // #region demo
  for (const doc of ONBOARDING_DOCS) {
    const r = checkDoc(doc, fs);
    console.log(`${doc}: ${r.commands} commands, ${r.links} links, `
      + `${r.unchecked.length} external (unchecked), `
      + `${r.problems.length} problems`);
  }
  const broken: RepoFiles = {
    readFile: (p) => p === 'README.md' ? [
      '## Set up', '```sh', 'npm run serve   # typo for dev', '```',
      'See [the guide](docs/guide.md) and [setup](#set-up-).',
      'Do not [escape](../../etc/passwd).',
    ].join('\n') : fs.readFile(p),
    exists: (p) => p !== 'docs/guide.md' && fs.exists(p),
  };
  console.log('A broken README, in memory:');
  for (const p of checkDoc('README.md', broken).problems) {
    console.log(`${p.file}:${p.line}  ${p.message}`);
  }
  // #endregion demo
}
