import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tarGz } from './pglite-data.ts';

it("packs a folder as a gzipped tar that tar reads back, with PGlite's leading slash", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-data-'));
  mkdirSync(join(dir, 'base/5'), { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '17\n');
  writeFileSync(join(dir, 'base/5/112'), new Uint8Array(8192).fill(7));
  const archive = join(dir, '..', `${dir.split('/').pop()}.tar.gz`);
  writeFileSync(archive, await tarGz(dir));
  expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['/PG_VERSION', '/base', '/base/5', '/base/5/112']);
  const out = mkdtempSync(join(tmpdir(), 'pglite-data-out-'));
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  expect(readFileSync(join(out, 'PG_VERSION'), 'utf8')).toBe('17\n');
  expect(readFileSync(join(out, 'base/5/112'))).toEqual(Buffer.from(new Uint8Array(8192).fill(7)));
  expect(await tarGz(dir)).toEqual(await tarGz(dir));
});
