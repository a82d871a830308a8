import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCache, cachedBytes, cachedResult, dropOtherResults, fileDigest, readCached, writeCached } from './build-cache.ts';

// The real readFileSync, watched: the fileDigest tests count what it reads.
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = (...args: Parameters<typeof fs.readFileSync>) => {
    reads.push(String(args[0]));
    return fs.readFileSync(...args);
  };
  return { ...fs, readFileSync };
});

function repo(): { root: string; module: string } {
  const root = mkdtempSync(join(tmpdir(), 'build-cache-'));
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
  const module = join(root, 'render.ts');
  writeFileSync(module, 'export const render = 1;\n');
  return { root, module };
}

describe('buildCache', () => {
  it('makes a result once, then reads it back', () => {
    const { root, module } = repo();
    const cache = buildCache(root, join(root, '.cache/x'), [module]);
    let made = 0;
    const make = () => `result ${++made}`;
    expect(cachedResult(cache, 'input', make)).toBe('result 1');
    expect(cachedResult(buildCache(root, join(root, '.cache/x'), [module]), 'input', make)).toBe('result 1');
    expect(made).toBe(1);
    expect(cachedResult(cache, 'other input', make)).toBe('result 2');
  });

  it('misses once a module that shapes the results or the lockfile changes', () => {
    const { root, module } = repo();
    const dir = join(root, '.cache/x');
    writeCached(buildCache(root, dir, [module]), 'input', 'old');
    expect(readCached(buildCache(root, dir, [module]), 'input')).toBe('old');
    writeFileSync(module, 'export const render = 2;\n');
    expect(readCached(buildCache(root, dir, [module]), 'input')).toBeUndefined();
    writeCached(buildCache(root, dir, [module]), 'input', 'new');
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    expect(readCached(buildCache(root, dir, [module]), 'input')).toBeUndefined();
  });

  it('misses once the installed packages change though package-lock.json does not', () => {
    // `npm install --no-save shiki@x` changes node_modules and its hidden lockfile, not package-lock.json.
    const { root, module } = repo();
    const dir = join(root, '.cache/x');
    mkdirSync(join(root, 'node_modules'));
    const installed = join(root, 'node_modules/.package-lock.json');
    writeFileSync(installed, '{"packages":{"node_modules/shiki":{"version":"3.0.0"}}}');
    writeCached(buildCache(root, dir, [module]), 'input', 'made by shiki 3.0.0');
    writeFileSync(installed, '{"packages":{"node_modules/shiki":{"version":"3.1.0"}}}');
    expect(readCached(buildCache(root, dir, [module]), 'input')).toBeUndefined();
  });

  it('keeps no result when making it throws, and leaves no partial file', () => {
    const { root, module } = repo();
    const cache = buildCache(root, join(root, '.cache/x'), [module]);
    expect(() => cachedResult(cache, 'input', () => { throw new Error('bad diagram'); })).toThrow('bad diagram');
    expect(readCached(cache, 'input')).toBeUndefined();
    writeCached(cache, 'input', 'ok', 'svg');
    expect(readdirSync(cache.dir)).toEqual([expect.stringMatching(/^[0-9a-f]{40}\.svg$/)]);
  });

  it('keeps bytes as they are, and says whether they were kept', () => {
    const { root, module } = repo();
    const cache = buildCache(root, join(root, '.cache/x'), [module]);
    const zip = Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0xff, 0x00);
    expect(cachedBytes(cache, 'book', 'epub', () => zip)).toEqual({ bytes: Buffer.from(zip), kept: false });
    expect(cachedBytes(cache, 'book', 'epub', () => Uint8Array.of(1))).toEqual({ bytes: Buffer.from(zip), kept: true });
    expect(cachedBytes(cache, 'changed book', 'epub', () => Uint8Array.of(1)).kept).toBe(false);
  });

  it('drops every other kept result of a kind, keeping the one named', () => {
    const { root, module } = repo();
    const cache = buildCache(root, join(root, '.cache/x'), [module]);
    cachedBytes(cache, 'book 1', 'epub', () => Uint8Array.of(1));
    cachedBytes(cache, 'book 2', 'epub', () => Uint8Array.of(2));
    writeCached(cache, 'diagram', '<svg/>', 'svg');
    dropOtherResults(cache, 'book 2', 'epub');
    expect(readdirSync(cache.dir)).toHaveLength(2);
    expect(cachedBytes(cache, 'book 2', 'epub', () => Uint8Array.of(0)).kept).toBe(true);
    expect(readCached(cache, 'diagram', 'svg')).toBe('<svg/>');
  });

  it('makes a result again when its kept file is empty, as a crash after the rename can leave it', () => {
    const { root, module } = repo();
    const cache = buildCache(root, join(root, '.cache/x'), [module]);
    writeCached(cache, 'diagram', '<svg/>', 'svg');
    cachedBytes(cache, 'book', 'epub', () => Uint8Array.of(1));
    for (const name of readdirSync(cache.dir)) writeFileSync(join(cache.dir, name), '');
    expect(cachedResult(cache, 'diagram', () => '<svg>again</svg>', 'svg')).toBe('<svg>again</svg>');
    expect(cachedBytes(cache, 'book', 'epub', () => Uint8Array.of(2))).toEqual({ bytes: Buffer.of(2), kept: false });
    expect(readCached(cache, 'diagram', 'svg')).toBe('<svg>again</svg>');
  });

  it('names a file the key depends on that is missing', () => {
    const { root } = repo();
    expect(() => buildCache(root, join(root, '.cache/x'), [join(root, 'gone.ts')])).toThrow(/gone\.ts: a build cache depends on it, but it is missing/);
  });
});

describe('fileDigest', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'file-digest-')), 'package-lock.json');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  afterEach(() => vi.useRealTimers());

  it('is the SHA-256 of the bytes, or "missing"', () => {
    const path = file();
    expect(fileDigest(path)).toBe('missing');
    writeFileSync(path, '{"a":1}');
    expect(fileDigest(path)).toBe(sha256('{"a":1}'));
  });

  it('reads a file once while it stays the same, once two seconds have passed since it changed', () => {
    const path = file();
    writeFileSync(path, '{"a":1}');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5000 });
    expect([fileDigest(path), fileDigest(path)]).toEqual([sha256('{"a":1}'), sha256('{"a":1}')]);
    expect(reads.filter((read) => read === path)).toHaveLength(1);
  });

  it('reads a file changed in the last two seconds every time', () => {
    const path = file();
    writeFileSync(path, '{"a":1}');
    expect([fileDigest(path), fileDigest(path)]).toEqual([sha256('{"a":1}'), sha256('{"a":1}')]);
    expect(reads.filter((read) => read === path)).toHaveLength(2);
  });

  it('sees a file rewritten at once with as many bytes', () => {
    const path = file();
    writeFileSync(path, '{"a":1}');
    expect(fileDigest(path)).toBe(sha256('{"a":1}'));
    writeFileSync(path, '{"a":2}');
    expect(fileDigest(path)).toBe(sha256('{"a":2}'));
  });

  it('sees a change to a file it kept the digest of, though size and modification time are put back', async () => {
    const path = file();
    const then = new Date('2026-01-01T00:00:00Z');
    writeFileSync(path, '{"a":1}');
    utimesSync(path, then, then);
    // Two seconds on, the file counts as settled and its digest is kept.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5000 });
    expect(fileDigest(path)).toBe(sha256('{"a":1}'));
    vi.useRealTimers();
    // Past the kernel's coarse clock tick, so the change time moves.
    await new Promise((resolve) => setTimeout(resolve, 30));
    writeFileSync(path, '{"a":2}');
    utimesSync(path, then, then);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5000 });
    expect(fileDigest(path)).toBe(sha256('{"a":2}'));
  });
});
