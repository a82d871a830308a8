import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { emptyTrash, setAside } from './set-aside.ts';

/** Every path set aside in `trash`, as `slot/name`. */
const setAsideNames = (trash: string) => readdirSync(trash).flatMap((slot) => readdirSync(join(trash, slot)).map((name) => `${slot}/${name}`));

describe('setAside', () => {
  it('moves each path into the trash, keeping its inode (so nothing is freed), and skips what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'set-aside-'));
    mkdirSync(join(dir, 'dist/questions'), { recursive: true });
    writeFileSync(join(dir, 'dist/questions/index.html'), 'page');
    writeFileSync(join(dir, 'cache.json'), '{}');
    const inode = statSync(join(dir, 'dist/questions/index.html')).ino;
    const trash = join(dir, 'trash');
    setAside([join(dir, 'dist'), join(dir, 'missing'), join(dir, 'cache.json')], trash);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(existsSync(join(dir, 'cache.json'))).toBe(false);
    const moved = setAsideNames(trash);
    expect(moved.map((m) => m.split('/')[1]).sort()).toEqual(['cache.json', 'dist']);
    const dist = moved.find((m) => m.endsWith('/dist'))!;
    expect(statSync(join(trash, dist, 'questions/index.html')).ino).toBe(inode);
    expect(readFileSync(join(trash, moved.find((m) => m.endsWith('/cache.json'))!), 'utf8')).toBe('{}');
  });

  it('never moves one path onto another set aside before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'set-aside-'));
    const trash = join(dir, 'trash');
    for (const text of ['first', 'second']) {
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist/index.html'), text);
      setAside([join(dir, 'dist')], trash);
    }
    expect(setAsideNames(trash).map((m) => readFileSync(join(trash, m, 'index.html'), 'utf8')).sort()).toEqual(['first', 'second']);
  });

  it('moves a symlink itself, dangling or not, and still takes the next path after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'set-aside-'));
    const trash = join(dir, 'trash');
    mkdirSync(join(dir, 'out'));
    symlinkSync('out', join(dir, 'dist')); // relative: dangles once moved
    symlinkSync('nowhere', join(dir, 'cache'));
    setAside([join(dir, 'dist'), join(dir, 'cache')], trash);
    expect(lstatSync(join(dir, 'dist'), { throwIfNoEntry: false })).toBeUndefined();
    expect(lstatSync(join(dir, 'cache'), { throwIfNoEntry: false })).toBeUndefined();
    mkdirSync(join(dir, 'dist'));
    expect(() => setAside([join(dir, 'dist')], trash)).not.toThrow();
    expect(setAsideNames(trash)).toHaveLength(3);
    expect(existsSync(join(dir, 'out'))).toBe(true);
  });

  // /dev/shm is a filesystem of its own on Linux; elsewhere there may be no second one to try.
  const shm = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
  it.skipIf(!shm)('deletes, with a warning, a path it cannot move: one on another filesystem than the trash', () => {
    const path = mkdtempSync('/dev/shm/set-aside-');
    writeFileSync(join(path, 'index.html'), 'page');
    const trash = join(mkdtempSync(join(tmpdir(), 'set-aside-')), 'trash');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    setAside([path], trash);
    expect(existsSync(path)).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/on another filesystem than .*; deleting it instead/));
    warn.mockRestore();
  });

  it('empties the trash, and does nothing when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'set-aside-'));
    mkdirSync(join(dir, 'dist'));
    setAside([join(dir, 'dist')], join(dir, 'trash'));
    emptyTrash(join(dir, 'trash'));
    expect(existsSync(join(dir, 'trash'))).toBe(false);
    expect(() => emptyTrash(join(dir, 'trash'))).not.toThrow();
  });
});
