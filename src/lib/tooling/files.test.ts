import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from './files.ts';

describe('filesUnder', () => {
  it('lists files at every depth, sorted, and no folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'files-'));
    mkdirSync(join(dir, 'b/c'), { recursive: true });
    mkdirSync(join(dir, 'empty'));
    for (const file of ['z.html', 'b/index.html', 'b/c/x.css']) writeFileSync(join(dir, file), '');
    expect(filesUnder(dir)).toEqual([join(dir, 'b/c/x.css'), join(dir, 'b/index.html'), join(dir, 'z.html')]);
  });
});
