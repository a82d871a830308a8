import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPagefind } from './search-index-integration.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('Pagefind inside the build', () => {
  it('indexes the built site into pagefind/', async () => {
    const site = mkdtempSync(join(tmpdir(), 'search-index-'));
    writeFileSync(join(site, 'index.html'), '<html><body><main data-pagefind-body><h1>Idempotency</h1><p>Keys make retries safe.</p></main></body></html>');
    expect(await runPagefind(root, site)).toMatch(/Indexed 1 page/);
    expect(existsSync(join(site, 'pagefind/pagefind.js'))).toBe(true);
  });

  it('fails the build naming the folder, the exit code and why, when Pagefind cannot index it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'search-index-empty-'));
    await expect(runPagefind(root, empty)).rejects.toThrow(new RegExp(`pagefind --site ${empty} exited with 1:[^]*not able to build an index`));
  });
});
