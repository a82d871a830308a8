import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pagefindNode from 'pagefind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltIndex } from './search-pagefind-node.ts';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-node-'));
  const { index } = await pagefindNode.createIndex({});
  await index!.addHTMLFile({
    url: '/hello/',
    content:
      '<html lang="en"><body><main data-pagefind-body><h1>Hello there</h1><p>General Kenobi.</p></main></body></html>',
  });
  await index!.writeFiles({ outputPath: join(dir, 'pagefind') });
  await pagefindNode.close();
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadBuiltIndex', () => {
  it("searches a built site's own index, with result URLs under the base", async () => {
    const index = await loadBuiltIndex(dir, {}, '/handbook/');
    try {
      const found = await index.pagefind.search('kenobi');
      expect(found?.results).toHaveLength(1);
      expect((await found!.results[0]!.data()).url).toBe('/handbook/hello/');
    } finally {
      await index.close();
    }
  });

  it('serves two sites at once and gives fetch back when the last closes', async () => {
    const realFetch = globalThis.fetch;
    const [a, b] = await Promise.all([loadBuiltIndex(dir), loadBuiltIndex(dir)]);
    expect(globalThis.fetch).not.toBe(realFetch);
    await a.close();
    expect((await b.pagefind.search('hello'))?.results).toHaveLength(1);
    await b.close();
    expect(globalThis.fetch).toBe(realFetch);
  });

  it('says to build first when the folder has no index', async () => {
    await expect(loadBuiltIndex(join(dir, 'nowhere'))).rejects.toThrow(
      /pagefind\.js does not exist: build the site first \(npm run build:test\)/,
    );
    expect(globalThis.fetch.name).toBe('fetch');
  });
});
