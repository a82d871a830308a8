import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { INDEXED_PAGES, runPagefind } from './search-index-integration.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The URL of every page in `dir`'s index: each fragment is gzip, then the
 * marker pagefind_dcd (12 bytes), then the page's JSON.
 */
function indexedUrls(dir: string): string[] {
  const fragments = join(dir, 'pagefind/fragment');
  return readdirSync(fragments).map((name) => (JSON.parse(gunzipSync(readFileSync(join(fragments, name))).subarray(12).toString('utf8')) as { url: string }).url);
}

/** A built site of one page Pagefind can index. */
function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'search-index-'));
  writeFileSync(join(dir, 'index.html'), '<html><body><main data-pagefind-body><h1>Idempotency</h1><p>Keys make retries safe.</p></main></body></html>');
  return dir;
}

describe('Pagefind inside the build', () => {
  it('indexes the built site into pagefind/', async () => {
    const dir = site();
    expect(await runPagefind(root, dir)).toMatch(/Indexed 1 page/);
    expect(existsSync(join(dir, 'pagefind/pagefind.js'))).toBe(true);
  });

  it('reads only the pages INDEXED_PAGES matches: question pages', async () => {
    const dir = site();
    mkdirSync(join(dir, 'questions/idempotency'), { recursive: true });
    writeFileSync(join(dir, 'questions/idempotency/index.html'), '<html><body><main data-pagefind-body><h1>Retries</h1></main></body></html>');
    await runPagefind(root, dir, INDEXED_PAGES);
    expect(indexedUrls(dir)).toEqual(['/questions/idempotency/']);
    await runPagefind(root, dir);
    expect(indexedUrls(dir).sort()).toEqual(['/', '/questions/idempotency/']);
  });

  it('names the glob when no page matches it', async () => {
    await expect(runPagefind(root, site(), INDEXED_PAGES)).rejects.toThrow(/ --glob questions\/\*\/index\.html exited with 1/);
  });

  it('fails the build naming the folder, the exit code and why, when Pagefind cannot index it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'search-index-empty-'));
    await expect(runPagefind(root, empty)).rejects.toThrow(new RegExp(`pagefind --site ${empty} exited with 1:[^]*not able to build an index`));
  });

  it('stops when the build exits first, so nothing writes into the site after a failed build', async () => {
    const dir = site();
    // As Astro's CLI does when a later integration throws: print, then process.exit(1).
    const module = new URL('./search-index-integration.ts', import.meta.url).href;
    const script = `import { runPagefind } from ${JSON.stringify(module)}; runPagefind(${JSON.stringify(root)}, ${JSON.stringify(dir)}).catch(() => {}); process.exit(1);`;
    expect(spawnSync(process.execPath, ['--input-type=module', '-e', script]).status).toBe(1);
    // Left running, Pagefind indexes this page in well under a second (2026-12-02).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(existsSync(join(dir, 'pagefind'))).toBe(false);
  });
});
