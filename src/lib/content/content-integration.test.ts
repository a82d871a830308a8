import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AstroIntegration } from 'astro';
import { describe, expect, it, vi } from 'vitest';
import { contentCheck } from './content-integration.ts';

const CLEAN = readFileSync(new URL('../../../tests/fixtures/content/004-clean.mdx', import.meta.url), 'utf8');
const BAD = CLEAN.replace('difficulty: easy', 'difficulty: hard');

/** A repository root holding these answer files under content/questions/. */
function site(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'content-'));
  mkdirSync(join(root, 'content/questions'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'content/questions', name), text);
  return root;
}

type Setup = NonNullable<AstroIntegration['hooks']['astro:config:setup']>;
function setUp(root: string, prefetch: () => void) {
  const logger = { info: vi.fn() };
  const setup = contentCheck(root, { prefetch }).hooks['astro:config:setup'] as Setup;
  return { logger, run: () => setup({ logger } as unknown as Parameters<Setup>[0]) };
}

describe('contentCheck', () => {
  it('fails with every frontmatter problem before any demo is prefetched', () => {
    const prefetch = vi.fn();
    const { run } = setUp(site({ '004-http-200-ok.mdx': BAD }), prefetch);
    expect(run).toThrow('content/questions/004-http-200-ok.mdx:4  error  difficulty must be "easy" for id 4');
    expect(prefetch).not.toHaveBeenCalled();
  });

  it('prefetches the demos of the pages once every page passes', () => {
    const prefetch = vi.fn();
    const root = site({ '004-http-200-ok.mdx': CLEAN });
    const { run, logger } = setUp(root, prefetch);
    run();
    expect(prefetch).toHaveBeenCalledWith(root, [{ path: 'content/questions/004-http-200-ok.mdx', text: CLEAN }]);
    expect(logger.info).toHaveBeenCalledWith('1 answer checked');
  });
});
