import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { describe, expect, it, vi } from 'vitest';
import { checkedLoader } from './content-loader.ts';

const CLEAN = readFileSync(new URL('../../../tests/fixtures/content/004-clean.mdx', import.meta.url), 'utf8');
const BAD = CLEAN.replace('difficulty: easy', 'difficulty: hard');

/** A repository root holding one answer file under content/questions/. */
function site(name: string, text: string): string {
  const root = mkdtempSync(join(tmpdir(), 'content-'));
  mkdirSync(join(root, 'content/questions'), { recursive: true });
  writeFileSync(join(root, 'content/questions', name), text);
  return root;
}

describe('checkedLoader', () => {
  /** A loader that hands one file to parseData, as Astro's glob loader does. */
  const oneFile = (filePath: string): Loader => ({
    name: 'one-file',
    load: async ({ parseData }) => void (await parseData({ id: 'x', data: { parsed: 'by astro' }, filePath })),
  });

  async function load(root: string, name: string) {
    const parseData = vi.fn(async (entry: { data: unknown }) => entry.data);
    const context = { config: { root: pathToFileURL(`${root}/`) }, parseData } as unknown as LoaderContext;
    await checkedLoader(oneFile(join(root, 'content/questions', name))).load(context);
    return parseData;
  }

  it('stops a page with a frontmatter problem with the same message as the build', async () => {
    const root = site('004-http-200-ok.mdx', BAD);
    await expect(load(root, '004-http-200-ok.mdx')).rejects.toThrow(
      'content/questions/004-http-200-ok.mdx:4  error  difficulty must be "easy" for id 4',
    );
  });

  it('hands a page that passes on to the collection schema', async () => {
    const parseData = await load(site('004-http-200-ok.mdx', CLEAN), '004-http-200-ok.mdx');
    expect(parseData).toHaveBeenCalledWith(expect.objectContaining({ data: { parsed: 'by astro' } }));
  });
});
