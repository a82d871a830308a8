import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkDoc, commandProblem, headingSlugs, ONBOARDING_DOCS, repoFiles,
  repoPath, scanMarkdown, type RepoFiles,
} from './doc-check.ts';

const PKG = JSON.stringify({ scripts: { dev: 'astro dev', test: 'x', 'build:test': 'y' } });

/** An in-memory repository; records every path asked about. */
function memoryRepo(files: Record<string, string>) {
  const asked: string[] = [];
  const all: Record<string, string> = { 'package.json': PKG, ...files };
  const fs: RepoFiles = {
    readFile: (p) => { asked.push(p); return all[p]; },
    exists: (p) => {
      asked.push(p);
      return p in all || Object.keys(all).some((f) => f.startsWith(`${p}/`));
    },
  };
  return { fs, asked };
}
const problems = (files: Record<string, string>, doc = 'README.md') =>
  checkDoc(doc, memoryRepo(files).fs).problems.map((p) => `${p.line} ${p.message}`);

describe('this repository', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  it.each(ONBOARDING_DOCS)('%s: every command and relative link resolves', async (doc) => {
    const report = checkDoc(doc, await repoFiles(root));
    expect(report.problems).toEqual([]);
    expect(report.commands).toBeGreaterThan(0);
  });
  it('README.md checks its two commands and its links', async () => {
    const report = checkDoc('README.md', await repoFiles(root));
    expect(report.links).toBeGreaterThanOrEqual(3);
    expect(report.unchecked.every((u) => /^https?:/.test(u.url))).toBe(true);
  });
});

describe('commands', () => {
  it('finds commands in sh fences, after env vars, comments and &&', () => {
    const md = ['```sh', 'A=1 B=2 npm run build   # builds', 'npm ci && node s/x.ts', '```'];
    expect(scanMarkdown(md.join('\n')).commands).toEqual([
      { line: 2, text: 'npm run build' },
      { line: 3, text: 'npm ci' },
      { line: 3, text: 'node s/x.ts' },
    ]);
  });
  it('reads only shell fences as commands', () => {
    const md = ['```ts', 'node gone.ts', '```', '```console', 'npm run x', '```', '```', 'bash y.sh', '```'];
    expect(scanMarkdown(md.join('\n')).commands).toEqual([{ line: 5, text: 'npm run x' }]);
  });
  it('survives a malformed anchor escape', () => {
    expect(problems({ 'README.md': '## A\n[a](#%E0)' })).toEqual(['2 "#%E0": no heading "#%E0" in README.md']);
  });
  it('finds inline commands but not other inline code', () => {
    const md = 'Run `npm test`, then `npm run dev`; `npx tsc` and `const x` are not checked.';
    expect(scanMarkdown(md).commands.map((c) => c.text)).toEqual(['npm test', 'npm run dev']);
  });
  it.each([
    ['npm run dev', undefined],
    ['npm run build:test -- --x', undefined],
    ['npm test -- unit', undefined],
    ['npm run serve', 'package.json has no script "serve"'],
    ['npm run constructor', 'package.json has no script "constructor"'],
    ['node scripts/gone.ts', '"scripts/gone.ts" does not exist (in "node scripts/gone.ts")'],
    ['bash scripts/gone.sh', '"scripts/gone.sh" does not exist (in "bash scripts/gone.sh")'],
    ['npx vitest run a/b.test.ts', '"a/b.test.ts" does not exist (in "npx vitest run a/b.test.ts")'],
    ['node ../outside.ts', '"../outside.ts" points outside the repository'],
    ['node snippets/<concern>/<module>.ts', undefined],
    ['node snippets/…', undefined],
  ])('%s', (cmd, why) => {
    const { fs } = memoryRepo({});
    expect(commandProblem(cmd, JSON.parse(PKG).scripts, fs)).toBe(why);
  });
  it('reports a missing test script', () => {
    expect(commandProblem('npm test', {}, memoryRepo({}).fs)).toBe('no "test" script for "npm test"');
  });
  it('never runs a command: rm -rf is only text to it', () => {
    const { fs, asked } = memoryRepo({ 'README.md': '```sh\nrm -rf / && npm run dev\n```\n`rm -rf ~`' });
    const report = checkDoc('README.md', fs);
    expect(report.problems).toEqual([]);
    expect(report.commands).toBe(2);
    expect(asked).toEqual(['README.md', 'package.json']);
  });
  it('gives a clear error for a broken package.json', () => {
    const fs = memoryRepo({ 'package.json': '{', 'README.md': 'x' }).fs;
    expect(() => checkDoc('README.md', fs)).toThrow(/package\.json is not valid JSON/);
    const arr = memoryRepo({ 'package.json': '{"scripts":[]}', 'README.md': 'x' }).fs;
    expect(() => checkDoc('README.md', arr)).toThrow('package.json "scripts" must be an object');
  });
  it('refuses a missing or oversized doc', () => {
    expect(() => checkDoc('NOPE.md', memoryRepo({}).fs)).toThrow('NOPE.md: no such file');
    const big = memoryRepo({ 'README.md': 'x'.repeat(1024 * 1024 + 1) }).fs;
    expect(() => checkDoc('README.md', big)).toThrow('README.md: too large');
  });
});

describe('links', () => {
  it('resolves relative to the doc, and / from the root', () => {
    expect(repoPath('bench/README.md', '../scripts/x.ts')).toBe('scripts/x.ts');
    expect(repoPath('bench/README.md', '/STYLE.md')).toBe('STYLE.md');
    expect(repoPath('README.md', 'docs/')).toBe('docs');
  });
  it('reports a link that escapes the repository, even disguised', () => {
    expect(problems({
      'README.md': '[a](../secret.md) [b](docs/../../x) [c](docs/%2E%2E/%2E%2E/x)',
      'docs/y.md': '',
    })).toEqual([
      '1 "../secret.md" points outside the repository',
      '1 "docs/../../x" points outside the repository',
      '1 "docs/../../x" points outside the repository',
    ]);
  });
  it('the real-file adapter refuses to read outside its root', async () => {
    const fs = await repoFiles('/tmp/does-not-matter');
    expect(() => fs.exists('../etc/passwd')).toThrow('outside: ../etc/passwd');
  });
  it('reports missing files with the line', () => {
    expect(problems({ 'README.md': 'ok\nsee [guide](docs/guide.md)\n![logo](img/x.png)' })).toEqual([
      '2 "docs/guide.md": docs/guide.md does not exist',
      '3 "img/x.png": img/x.png does not exist',
    ]);
  });
  it('lists http(s) links as unchecked, never fetching them', () => {
    const { fs, asked } = memoryRepo({ 'README.md': '[a](https://e.com/x) <http://e.org> [m](mailto:a@b.c)' });
    const r = checkDoc('README.md', fs);
    expect(r.unchecked.map((u) => u.url)).toEqual(['https://e.com/x', 'mailto:a@b.c', 'http://e.org']);
    expect(r.problems).toEqual([]);
    expect(asked).toEqual(['README.md', 'package.json']);
  });
  it('ignores links inside fences and code spans', () => {
    const md = ['```md', '[gone](gone.md)', '```', '````', '```', '[gone](gone2.md)', '```', '````',
      'Write `[Q1](nope.md)` like this.'];
    expect(scanMarkdown(md.join('\n')).links).toEqual([]);
  });
  it('follows reference-style links, full, collapsed and shortcut', () => {
    const md = ['See [the guide][G], [Style][] and [docs].', '', '[g]: guide.md',
      '[style]:  <STYLE.md#voice>', '[Docs]: missing.md', '[unused]: nowhere.md'];
    expect(problems({ 'README.md': md.join('\n'), 'guide.md': '', 'STYLE.md': '## Voice' })).toEqual([
      '1 "missing.md": missing.md does not exist',
    ]);
  });
  it('counts only what it checks', () => {
    const r = checkDoc('README.md', memoryRepo({ 'README.md': '[a](STYLE.md) [b](https://x.y)', 'STYLE.md': '' }).fs);
    expect([r.links, r.unchecked.length]).toEqual([1, 1]);
  });
  it('decodes %20 and reports a malformed escape', () => {
    expect(problems({ 'README.md': '[a](My%20File.md) [b](bad%E0.md)', 'My File.md': '' })).toEqual([
      '1 "bad%E0.md" is not a valid URL path',
    ]);
  });
});

describe('anchors', () => {
  it('slugs headings as GitHub does: punctuation, code, links, repeats', () => {
    const headings = [
      'What `npm test` runs', 'Set up', 'Set up', 'Set up', 'C++ & Node.js: a [guide](x.md)!',
      '**Bold** _move_', 'Über-naïve API', 'snake_case stays',
    ].map((text, i) => ({ line: i + 1, text }));
    expect([...headingSlugs(headings)]).toEqual([
      'what-npm-test-runs', 'set-up', 'set-up-1', 'set-up-2', 'c--nodejs-a-guide',
      'bold-move', 'über-naïve-api', 'snake_case-stays',
    ]);
  });
  it('finds ATX and setext headings, not code or list items', () => {
    const md = ['# Title #', 'Setext', '===', '- item', '---', '```', '# not a heading', '```'];
    expect(scanMarkdown(md.join('\n')).headings.map((h) => h.text)).toEqual(['Title', 'Setext']);
  });
  it('checks #anchors in this doc and in other Markdown files', () => {
    const readme = ['## Set up', '## Set up', '[a](#set-up-1) [b](#set-up-2) [c](STYLE.md#voice)',
      '[d](STYLE.md#tone) [e](#Set-Up)'];
    expect(problems({ 'README.md': readme.join('\n'), 'STYLE.md': '## Voice' })).toEqual([
      '3 "#set-up-2": no heading "#set-up-2" in README.md',
      '4 "STYLE.md#tone": no heading "#tone" in STYLE.md',
    ]);
  });
  it('accepts HTML anchors, lists anchors into code files as unchecked', () => {
    const r = checkDoc('README.md', memoryRepo({
      'README.md': '<a name="top"></a>\n[t](#top) [l](src/a.ts#L10)', 'src/a.ts': '',
    }).fs);
    expect(r.problems).toEqual([]);
    expect(r.unchecked).toEqual([{ line: 2, url: 'src/a.ts#L10' }]);
  });
});

describe('second reader: hostile and unusual Markdown', () => {
  it('matches an HTML id whatever its case', () => {
    expect(problems({ 'README.md': '<a id="Top"></a>\n[t](#Top) [u](#top)' })).toEqual([]);
  });
  it('reads <angle> destinations with spaces, and links with titles', () => {
    const md = '[a](<My File.md>) [b](<Gone File.md> "t") [c](STYLE.md "Style") [d](gone.md \'t\')';
    expect(problems({ 'README.md': md, 'My File.md': '', 'STYLE.md': '' })).toEqual([
      '1 "Gone File.md": Gone File.md does not exist',
      '1 "gone.md": gone.md does not exist',
    ]);
  });
  it('checks the link around a badge and links with brackets in their text', () => {
    const md = '[![ci](ci.svg)](docs/gone.md) [see [1]](gone.md)\n\n[r]: <My File.md>\n[r][]';
    expect(problems({ 'README.md': md, 'ci.svg': '', 'My File.md': '' })).toEqual([
      '1 "docs/gone.md": docs/gone.md does not exist',
      '1 "gone.md": gone.md does not exist',
    ]);
  });
  it('checks href and src in inline HTML', () => {
    const md = '<p align="center"><a href="docs/gone.md"><img src="logo.png"></a></p>';
    expect(problems({ 'README.md': md, 'logo.png': '' })).toEqual([
      '1 "docs/gone.md": docs/gone.md does not exist',
    ]);
  });
  it('treats //host links as external', () => {
    const r = checkDoc('README.md', memoryRepo({ 'README.md': '[a](//example.com/x)' }).fs);
    expect([r.problems, r.unchecked.map((u) => u.url)]).toEqual([[], ['//example.com/x']]);
  });
  it('skips ~~~ fences and indented code, but not indented list text', () => {
    const md = ['~~~sh', 'npm run gone', '```', '~~~', '~~~', '[x](a.md)', '~~~', '',
      'Text:', '', '    [y](b.md)', '    `npm run nope`', '', '- item', '',
      '    [z](c.md)', '', '1. Step', '    ```sh', '    npm run inlist', '    ```'];
    expect(problems({ 'README.md': md.join('\n') })).toEqual([
      '2 package.json has no script "gone"',
      '20 package.json has no script "inlist"',
      '16 "c.md": c.md does not exist',
    ]);
  });
  it('ends a list at an unindented paragraph, so later indented text is code', () => {
    expect(problems({ 'README.md': ['- item', '', 'Para', '', '    [x](gone.md)'].join('\n') })).toEqual([]);
  });
  it('refuses Windows-style paths instead of guessing', () => {
    expect(problems({ 'README.md': '[a](docs\\guide.md) [b](..%5C..%5Cx)', 'docs/guide.md': '' })).toEqual([
      '1 "docs\\guide.md" uses \\; paths in docs use /',
      '1 "..\\..\\x" uses \\; paths in docs use /',
    ]);
    expect(commandProblem('node scripts\\x.ts', {}, memoryRepo({}).fs)).toBe('"scripts\\x.ts" uses \\; paths in docs use /');
  });
  it('reads each linked doc once, however many anchors point into it', () => {
    const { fs, asked } = memoryRepo({ 'README.md': '[a](S.md#v) [b](S.md#v)\n[c](S.md#w)', 'S.md': '## V\n## W' });
    expect(checkDoc('README.md', fs).problems).toEqual([]);
    // three exists() checks, one read
    expect(asked.filter((p) => p === 'S.md')).toEqual(['S.md', 'S.md', 'S.md', 'S.md']);
  });
  it('stays linear on adversarial lines and long docs', () => {
    const n = 100_000;
    const docs = ['['.repeat(n), `# a${' '.repeat(n)}x`, `# ${'['.repeat(n)}`, `# ${'<'.repeat(n)}`,
      `${'<a '.repeat(n / 3)}\n[t](#x)`, `[a]: ${'<'.repeat(n)}`, `\`${'`a'.repeat(n / 2)}`,
      `## A\n${'[t](#a)\n'.repeat(n / 2)}`, `${'](<'.repeat(n / 3)}`, `${'<img src="'.repeat(n / 10)}`];
    for (const md of docs) {
      const t = performance.now();
      checkDoc('README.md', memoryRepo({ 'README.md': md }).fs);
      // Linear work here is milliseconds; quadratic work on 100,000
      // characters is minutes. A loose bound tells them apart on a busy
      // machine without failing on a slow one.
      expect(performance.now() - t).toBeLessThan(15_000);
    }
  });
});

describe('second reader: the real-file adapter', () => {
  it('does not follow a symlink out of the repository', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const top = mkdtempSync(join(tmpdir(), 'doc-check-'));
    mkdirSync(join(top, 'repo/docs'), { recursive: true });
    writeFileSync(join(top, 'outside.md'), '## Secret heading');
    writeFileSync(join(top, 'repo/docs/real.md'), '## Real');
    symlinkSync('../../outside.md', join(top, 'repo/docs/link.md'));
    symlinkSync('real.md', join(top, 'repo/docs/alias.md'));
    writeFileSync(join(top, 'repo/README.md'), '[a](docs/link.md#secret-heading) [b](docs/alias.md#real)');
    const report = checkDoc('README.md', await repoFiles(join(top, 'repo')));
    expect(report.problems.map((p) => p.message)).toEqual([
      '"docs/link.md#secret-heading": docs/link.md resolves outside the repository',
    ]);
  });
});

describe('second reader: code spans', () => {
  it('pairs backtick runs of equal length, as CommonMark does', () => {
    const md = 'Use ``a ` b`` then `npm run one` and ``npm run two``; lone ` [x](gone.md)';
    const scan = scanMarkdown(md);
    expect(scan.commands.map((c) => c.text)).toEqual(['npm run one', 'npm run two']);
    expect(scan.links.map((l) => l.text)).toEqual(['gone.md']);
  });
  it('stays linear on a line of backticks', () => {
    const t = performance.now();
    scanMarkdown(`# ${'`'.repeat(100_000)}a`);
    expect(performance.now() - t).toBeLessThan(1500);
  });
});
