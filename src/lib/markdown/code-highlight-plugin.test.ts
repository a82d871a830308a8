import { satteriCreateHighlightFn, satteriHighlightPlugin } from '@astrojs/markdown-satteri';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownToHtml } from 'satteri';
import type { ShikiConfig } from 'astro';
import { describe, expect, it } from 'vitest';
import { buildCache } from '../tooling/build-cache.ts';
import { codeHighlightCache, codeHighlightCacheDir, codeHighlightPlugin } from './code-highlight-plugin.ts';
import { CODE_THEMES, loadPalettes, tokenClassTransformer } from './code-tokens.ts';
import { shikiConfig as siteShikiConfig } from './site-shiki.ts';

const SITE_SHIKI = new URL('./site-shiki.ts', import.meta.url);
const siteConfig = await siteShikiConfig();
const shikiConfig = { themes: CODE_THEMES, defaultColor: false as const, transformers: [tokenClassTransformer(await loadPalettes())] };
const PAGE = '# Q\n\n```ts\nconst answer: number = 42;\n```\n\n```text\nplain\n```\n';

async function render(markdown: string, plugin: ReturnType<typeof codeHighlightPlugin>): Promise<string> {
  return (await markdownToHtml(markdown, { hastPlugins: [plugin] })).html;
}

function tempCache() {
  const root = mkdtempSync(join(tmpdir(), 'code-highlight-'));
  writeFileSync(join(root, 'package-lock.json'), '{}');
  return buildCache(root, join(root, '.cache/code-highlight'), []);
}

describe('codeHighlightPlugin', () => {
  it("writes exactly the markup of Astro's own highlight step", async () => {
    const astro = satteriHighlightPlugin((await satteriCreateHighlightFn('shiki', shikiConfig))!, undefined);
    const html = await render(PAGE, codeHighlightPlugin(shikiConfig, tempCache()));
    expect(html).toContain('<pre class="astro-code');
    expect(html).toBe(await render(PAGE, astro));
  });

  it('keeps each block, and serves a kept block without highlighting it again', async () => {
    const cache = tempCache();
    const first = await render(PAGE, codeHighlightPlugin(shikiConfig, cache));
    const kept = readdirSync(cache.dir);
    expect(kept).toHaveLength(2);
    // Mark the kept blocks: a later render that shows the mark read them rather than highlighting.
    for (const name of kept) {
      const file = join(cache.dir, name);
      writeFileSync(file, readFileSync(file, 'utf8').replace('"astro-code', '"astro-code kept'));
    }
    const second = await render(PAGE, codeHighlightPlugin(shikiConfig, cache));
    expect(second).toBe(first.replaceAll('"astro-code', '"astro-code kept'));
    const changed = await render(PAGE.replace('42', '43'), codeHighlightPlugin(shikiConfig, cache));
    expect(changed.match(/astro-code kept/g)).toHaveLength(1);
  });

  it('highlights a block again when its kept file is cut short, and keeps it whole', async () => {
    const cache = tempCache();
    const first = await render(PAGE, codeHighlightPlugin(shikiConfig, cache));
    for (const name of readdirSync(cache.dir)) {
      const file = join(cache.dir, name);
      writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    }
    expect(await render(PAGE, codeHighlightPlugin(shikiConfig, cache))).toBe(first);
    for (const name of readdirSync(cache.dir)) expect(() => JSON.parse(readFileSync(join(cache.dir, name), 'utf8'))).not.toThrow();
  });

  it("keys on what the transformers' modules import, transitively", () => {
    const root = mkdtempSync(join(tmpdir(), 'code-highlight-key-'));
    writeFileSync(join(root, 'package-lock.json'), '{}');
    const tokens = join(root, 'tokens.ts');
    writeFileSync(tokens, "import { palette } from './palette.ts';\nexport const transformer = { name: 'tokens', palette };\n");
    writeFileSync(join(root, 'palette.ts'), "export const palette = ['#cf222e'];\n");
    const before = codeHighlightCache(root, [tokens]).salt;
    writeFileSync(join(root, 'palette.ts'), "export const palette = ['#ff7b72'];\n");
    expect(codeHighlightCache(root, [tokens]).salt).not.toBe(before);
  });

  it('keys on the thread module too, which makes the markup of blocks not kept', () => {
    const root = mkdtempSync(join(tmpdir(), 'code-highlight-key-'));
    writeFileSync(join(root, 'package-lock.json'), '{}');
    const tokens = join(root, 'tokens.ts');
    writeFileSync(tokens, 'export const transformer = {};\n');
    const own = (name: string) => fileURLToPath(new URL(name, import.meta.url));
    const sources = [own('./code-highlight-plugin.ts'), own('./highlight-thread.ts'), tokens];
    expect(codeHighlightCache(root, [tokens]).salt).toBe(buildCache(root, codeHighlightCacheDir(root), sources).salt);
  });

  describe('in a thread', () => {

    it('writes what highlighting in this thread writes, and keeps it the same way', async () => {
      const here = await render(PAGE, codeHighlightPlugin(siteConfig));
      const cache = tempCache();
      expect(await render(PAGE, codeHighlightPlugin(siteConfig, cache, SITE_SHIKI))).toBe(here);
      expect(readdirSync(cache.dir)).toHaveLength(2);
      expect(await render(PAGE.replaceAll('42', '7'), codeHighlightPlugin(siteConfig, undefined, SITE_SHIKI))).toBe(here.replaceAll('42', '7'));
    });

    const HOSTILE = new URL('../../../tests/fixtures/shiki/hostile-shiki.ts', import.meta.url);
    const hostile = async (code: string) => {
      const config = await ((await import(HOSTILE.href)) as { shikiConfig(): Promise<ShikiConfig> }).shikiConfig();
      return render(`\`\`\`ts\n${code}\n\`\`\`\n`, codeHighlightPlugin(config, undefined, HOSTILE));
    };

    it('rejects a block whose thread ends, and highlights the next in a new thread', async () => {
      await expect(hostile('exit')).rejects.toThrow(/highlight-thread\.ts could not highlight a ts block: its thread ended \(code 3\)/);
      expect(await hostile('const a = 1;')).toContain('astro-code');
    });

    it("names the thread and the block's language in what a block's failure says, whatever was thrown", async () => {
      await expect(hostile('string')).rejects.toThrow(/highlight-thread\.ts could not highlight a ts block: a thrown string/);
      await expect(hostile('error')).rejects.toThrow(/highlight-thread\.ts could not highlight a ts block: Error: a thrown error\n/);
    });

    it('fails, naming the module, when its options are not the ones given', async () => {
      await expect(render(PAGE, codeHighlightPlugin(shikiConfig, undefined, SITE_SHIKI))).rejects.toThrow(
        /shikiConfig\(\) of file:.*site-shiki\.ts returns other options than the highlight step was given/,
      );
    });
  });
});
