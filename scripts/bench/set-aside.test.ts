import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyTrash, setAside } from './set-aside.ts';

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
    expect(readdirSync(trash).sort()).toEqual(['0', '1']);
    expect(statSync(join(trash, '0/questions/index.html')).ino).toBe(inode);
    expect(readFileSync(join(trash, '1'), 'utf8')).toBe('{}');
  });

  it('never moves one path onto another set aside before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'set-aside-'));
    const trash = join(dir, 'trash');
    for (const text of ['first', 'second']) {
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist/index.html'), text);
      setAside([join(dir, 'dist')], trash);
    }
    expect(readdirSync(trash).map((n) => readFileSync(join(trash, n, 'index.html'), 'utf8')).sort()).toEqual(['first', 'second']);
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
