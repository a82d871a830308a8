import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AstroIntegration } from 'astro';
import { describe, expect, it, vi } from 'vitest';
import { DeferredDemos } from './deferred-demos.ts';
import { demoOutputs, fillBuiltFiles } from './demo-output-integration.ts';
import { demoPlaceholder } from './demo-placeholder.ts';

const block = (path: string) => `<pre data-language="text"><code><span class="line"><span>${demoPlaceholder(path)}</span></span></code></pre>`;

/** A built site holding these files. */
function dist(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

type Hooks = AstroIntegration['hooks'];
type Done = NonNullable<Hooks['astro:build:done']>;
type Setup = NonNullable<Hooks['astro:config:setup']>;

describe('fillBuiltFiles', () => {
  it('fills the placeholders of every page and leaves other files alone', () => {
    const dir = dist({ 'a/index.html': block('snippets/a.ts'), 'book/index.html': block('snippets/a.ts') + block('snippets/b.ts'), 'deck.txt': 'no placeholder' });
    expect(fillBuiltFiles(dir, new Map([['snippets/a.ts', 'A'], ['snippets/b.ts', 'B']]))).toEqual({ pages: 2, filled: 3 });
    expect(readFileSync(join(dir, 'a/index.html'), 'utf8')).toBe('<pre data-language="text"><code><span class="line"><span>A</span></span></code></pre>');
    expect(readFileSync(join(dir, 'deck.txt'), 'utf8')).toBe('no placeholder');
  });

  it('fails, naming the file and demo, on a placeholder with no output, one left unfilled, or an output shown nowhere', () => {
    const dir = dist({ 'a/index.html': block('snippets/gone.ts'), 'b/index.html': `<p>${demoPlaceholder('snippets/a.ts')}</p>` });
    expect(() => fillBuiltFiles(dir, new Map([['snippets/a.ts', 'A']]))).toThrow(
      [
        'demo output could not be filled in:',
        '  a/index.html: a placeholder names snippets/gone.ts, but no demo of that name ran in this build;',
      ].join('\n'),
    );
    expect(() => fillBuiltFiles(dir, new Map([['snippets/a.ts', 'A']]))).toThrow(
      '  b/index.html: the placeholder for snippets/a.ts is not the whole of a code block, so was left unfilled\n  snippets/a.ts: its demo ran, but no built page had a placeholder for its output',
    );
  });
});

describe('demoOutputs', () => {
  const logger = { info: vi.fn() };

  it('defers demos in astro build only', () => {
    const demos = new DeferredDemos();
    const setup = demoOutputs(demos).hooks['astro:config:setup'] as Setup;
    setup({ command: 'dev' } as Parameters<Setup>[0]);
    expect(demos.active).toBe(false);
    setup({ command: 'build' } as Parameters<Setup>[0]);
    expect(demos.active).toBe(true);
  });

  it('fills the built pages once the demos end', async () => {
    const demos = new DeferredDemos();
    const dir = dist({ 'a/index.html': block('snippets/a.ts') });
    demos.placeholder('snippets/a.ts', async () => 'A', () => new Error('unused'));
    await (demoOutputs(demos).hooks['astro:build:done'] as Done)({ dir: pathToFileURL(`${dir}/`), logger } as unknown as Parameters<Done>[0]);
    expect(readFileSync(join(dir, 'a/index.html'), 'utf8')).toContain('<span>A</span>');
    expect(logger.info).toHaveBeenCalledWith(expect.stringMatching(/^filled in 1 outputs of 1 demos on 1 pages/));
  });

  it('fails the build with the message of every place whose demo failed, and writes nothing', async () => {
    const demos = new DeferredDemos();
    const dir = dist({ 'a/index.html': block('snippets/a.ts') });
    const boom = async () => {
      throw new Error('exited with code 3');
    };
    demos.placeholder('snippets/a.ts', boom, (error) => new Error(`content/questions/002-a.mdx:44: <Snippet file="a.ts" output>: ${(error as Error).message}`));
    const done = (demoOutputs(demos).hooks['astro:build:done'] as Done)({ dir: pathToFileURL(`${dir}/`), logger } as unknown as Parameters<Done>[0]);
    await expect(done).rejects.toThrow(/^content\/questions\/002-a.mdx:44: <Snippet file="a.ts" output>: exited with code 3$/);
    expect(readFileSync(join(dir, 'a/index.html'), 'utf8')).toBe(block('snippets/a.ts'));
  });
});
