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
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w-]*)/;
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const INLINE_CMD = /^(npm (run |test\b)|node |bash |npx (vitest|playwright) )/;

/** Finds links, commands and headings; code is data, never run. */
export function scanMarkdown(text: string): Scan {
  const scan: Scan = { links: [], commands: [], headings: [] };
  const refs = new Map<string, string>();
  const refUses: Found[] = [];
  let fence: { mark: string; shell: boolean } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const open = FENCE.exec(raw);
    if (fence) {
      const mark = open?.[1] ?? '';
      const closes = mark[0] === fence.mark[0]
        && mark.length >= fence.mark.length && open?.[2] === '';
      if (closes) fence = undefined;
      else if (fence.shell) addShell(scan, raw, line);
      return;
    }
    if (open?.[1]) {
      const lang = (open[2] ?? '').toLowerCase();
      fence = { mark: open[1], shell: SHELL.has(lang) };
      return;
    }
    const def = /^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]+)>?/.exec(raw);
    if (def?.[1] && def[2]) {
      refs.set(label(def[1]), def[2]);
      return;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$/.exec(raw);
    const next = lines[i + 1] ?? '';
    if (heading?.[1] !== undefined) {
      scan.headings.push({ line, text: heading[1] });
    } else if (raw.trim() && /^ {0,3}(=+|-+)\s*$/.test(next)
      && !/^\s*([-*+>|]|\d+\.)/.test(raw)) {
      scan.headings.push({ line, text: raw.trim() });
    }
    const prose = raw.replace(/(`+)(.+?)\1/g, (_m, _t, code: string) => {
      const cmd = code.trim();
      if (INLINE_CMD.test(cmd)) scan.commands.push({ line, text: cmd });
      return ' '.repeat(code.length);
    });
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^\s)>]*)/g)) {
      scan.links.push({ line, text: m[1] ?? '' });
    }
    for (const m of prose.matchAll(/<(https?:\/\/[^>\s]+)>/g)) {
      scan.links.push({ line, text: m[1] ?? '' });
    }
    const refLink = /\[([^\]]+)\](?:\[([^\]]*)\])?(?![(:])/g;
    for (const m of prose.matchAll(refLink)) {
      const name = label(m[2] || (m[1] ?? ''));
      refUses.push({ line, text: name });
    }
  });
  for (const use of refUses) {
    const url = refs.get(use.text);
    if (url !== undefined) scan.links.push({ line: use.line, text: url });
  }
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

// #region slugs
/** GitHub's anchors: the heading's text, slugged, `-1` on repeats. */
export function headingSlugs(headings: readonly Found[]): Set<string> {
  const slugger = new GithubSlugger();
  const slugs = new Set<string>();
  for (const h of headings) {
    const plain = h.text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
      .replace(/<[^>]+>/g, '') // inline HTML goes
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

  for (const c of scan.commands) {
    report.commands++;
    const why = commandProblem(c.text, scripts, fs);
    if (why) problem(c.line, why);
  }
  for (const { line, text: url } of scan.links) {
    if (/^[a-z][a-z\d+.-]*:/i.test(url)) {
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
    if (path && !fs.exists(path)) {
      problem(line, `"${url}": ${path} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    const target = path === file ? text : fs.readFile(path);
    if (!/\.(md|markdown|mdx)$/i.test(path) || target === undefined) {
      report.unchecked.push({ line, url }); // e.g. #L10 in a code file
      continue;
    }
    const slugs = headingSlugs(scanMarkdown(target).headings);
    const ids = [...target.matchAll(/<a\s[^>]*(?:name|id)="([^"]+)"/g)];
    ids.forEach((m) => slugs.add(m[1] ?? ''));
    let id = anchor;
    try { id = decodeURIComponent(anchor); } catch { /* compare as is */ }
    if (!slugs.has(id.toLowerCase())) {
      problem(line, `"${url}": no heading "#${anchor}" in ${path}`);
    }
  }
  return report;
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

/** Real files under one root; refuses paths that leave it. */
export async function repoFiles(root: string): Promise<RepoFiles> {
  const { existsSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const inRoot = (p: string) => {
    if (repoPath('', p) instanceof Error) throw new Error(`outside: ${p}`);
    return join(root, p);
  };
  return {
    readFile: (p) => {
      try { return readFileSync(inRoot(p), 'utf8'); } catch { return undefined; }
    },
    exists: (p) => existsSync(inRoot(p)),
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
