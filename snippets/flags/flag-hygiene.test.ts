import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStaleFlags, scanForFlagKeys, unknownKeys } from './flag-hygiene.ts';
import type { FlagConfig } from './flag-rules.ts';

const DAY = 86_400_000;
const now = Date.parse('2026-12-02T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const f = (over: Partial<FlagConfig>): FlagConfig => ({ key: 'x',
  kind: 'release', killed: false, salt: 'v1', rules: [], rollout: 100,
  updatedAt: iso(now - 40 * DAY), ...over });
const recent = (...keys: string[]) => new Map(keys.map((k) => [k, now - DAY]));

describe('findStaleFlags', () => {
  it('flags a release at 100% or 0% unchanged for N days', () => {
    const flags = [f({ key: 'a' }), f({ key: 'b', rollout: 0 }),
      f({ key: 'c', rollout: 50 }), f({ key: 'd', updatedAt: iso(now - 29 * DAY) })];
    const stale = findStaleFlags(flags, recent('a', 'b', 'c', 'd'), new Map(), now);
    expect(stale.map((s) => s.key)).toEqual(['a', 'b']);
    expect(stale[0]!.why).toBe('at 100% for 30+ days');
  });

  it('is exact at the boundary', () => {
    const at = [f({ key: 'a', updatedAt: iso(now - 30 * DAY) })];
    const after = [f({ key: 'a', updatedAt: iso(now - 30 * DAY + 1) })];
    expect(findStaleFlags(at, recent('a'), new Map(), now)).toHaveLength(1);
    expect(findStaleFlags(after, recent('a'), new Map(), now)).toHaveLength(0);
  });

  it('keeps ops and permission flags, rules and killed flags', () => {
    const flags = [f({ key: 'a', kind: 'ops' }), f({ key: 'b', kind: 'permission' }),
      f({ key: 'c', killed: true }), f({ key: 'd', rules: [{ name: 'r',
        serve: true, when: [{ attribute: 'p', op: 'in', values: ['x'] }] }] })];
    expect(findStaleFlags(flags, recent('a', 'b', 'c', 'd'), new Map(), now))
      .toEqual([]);
  });

  it('flags any kind not evaluated for N days, or never', () => {
    const flags = [f({ key: 'a', kind: 'ops', rollout: 50 }),
      f({ key: 'b', kind: 'ops', rollout: 50 })];
    const seen = new Map([['a', now - 31 * DAY]]);
    const stale = findStaleFlags(flags, seen, new Map([['a', ['x.ts:3']]]), now);
    expect(stale).toEqual([
      { key: 'a', why: 'not evaluated for 30 days', references: ['x.ts:3'] },
      { key: 'b', why: 'not evaluated for 30 days', references: [] }]);
  });

  it('does not call a new flag unevaluated before it has had N days', () => {
    const flags = [f({ key: 'new', rollout: 10, updatedAt: iso(now - DAY) }),
      f({ key: 'old', rollout: 10, updatedAt: iso(now - 31 * DAY) })];
    expect(findStaleFlags(flags, new Map(), new Map(), now).map((s) => s.key))
      .toEqual(['old']);
  });

  it('refuses a bad window', () => {
    for (const days of [0, -1, 1.5, Number.NaN]) {
      expect(() => findStaleFlags([], new Map(), new Map(), now, days))
        .toThrow(/days must be an integer/);
    }
  });
});

describe('scanForFlagKeys', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'flag-scan-'));
    await mkdir(join(root, 'src', 'pay'), { recursive: true });
    await mkdir(join(root, 'node_modules', 'lib'), { recursive: true });
    await writeFile(join(root, 'src', 'pay', 'pay.ts'),
      "if (on('new-checkout')) a();\nconst k = `new-checkout`;\n" +
      "on(\"ranker-b\"); // 'new-checkout-v2' is another flag\n");
    await writeFile(join(root, 'src', 'README.md'), "'new-checkout'\n");
    await writeFile(join(root, 'node_modules', 'lib', 'x.js'), "'ranker-b'\n");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds each quoted key with file and line, skipping other files', async () => {
    const refs = await scanForFlagKeys(root, ['new-checkout', 'ranker-b', 'gone']);
    expect(refs.get('new-checkout')).toEqual(
      [join('src', 'pay', 'pay.ts') + ':1', join('src', 'pay', 'pay.ts') + ':2']);
    expect(refs.get('ranker-b')).toEqual([join('src', 'pay', 'pay.ts') + ':3']);
    expect(refs.has('gone')).toBe(false);
  });

  it('skips symlinks, so a link loop or a link out of the tree adds nothing',
    async () => {
      const loop = await mkdtemp(join(tmpdir(), 'flag-loop-'));
      try {
        await mkdir(join(loop, 'a'));
        await writeFile(join(loop, 'a', 'x.ts'), "on('new-checkout');\n");
        await symlink('..', join(loop, 'a', 'loop'));
        await symlink(root, join(loop, 'outside'));
        await symlink(join('a', 'x.ts'), join(loop, 'link.ts'));
        const refs = await scanForFlagKeys(loop, ['new-checkout', 'ranker-b']);
        expect(refs.get('new-checkout')).toEqual([join('a', 'x.ts') + ':1']);
        expect(refs.has('ranker-b')).toBe(false);
      } finally {
        await rm(loop, { recursive: true, force: true });
      }
    });

  it('skips files larger than the cap (bundles, generated code)', async () => {
    const refs = await scanForFlagKeys(root, ['new-checkout'], { maxBytes: 10 });
    expect(refs.size).toBe(0);
  });

  it('fails clearly on a missing folder', async () => {
    await expect(scanForFlagKeys(join(root, 'nope'), ['a'])).rejects.toThrow(/ENOENT/);
  });
});

describe('unknownKeys', () => {
  it('lists keys in code that no config defines', () => {
    const flags = new Map([['a', f({ key: 'a' })]]);
    expect(unknownKeys(['b', 'a', 'b'], flags)).toEqual(['b']);
  });
});
