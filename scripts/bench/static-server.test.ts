import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileForPath } from './static-server.ts';

const dist = mkdtempSync(join(tmpdir(), 'serve-'));
mkdirSync(join(dist, 'questions/etag'), { recursive: true });
writeFileSync(join(dist, 'questions/etag/index.html'), '<h1>ETag</h1>');
writeFileSync(join(dist, 'app.js'), '');

describe('fileForPath', () => {
  it('serves files, and index.html for a folder', () => {
    expect(fileForPath(dist, '/app.js')).toBe(join(dist, 'app.js'));
    expect(fileForPath(dist, '/questions/etag/')).toBe(join(dist, 'questions/etag/index.html'));
  });

  it('finds nothing for a missing path or one that climbs out of the site', () => {
    expect(fileForPath(dist, '/nope/')).toBeUndefined();
    expect(fileForPath(dist, '/../../etc/passwd')).toBeUndefined();
    expect(fileForPath(dist, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
  });
});
