import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runnableDemo } from './run-latency.ts';

it('finds the first page with a Run button with and without PGlite, and names the module', () => {
  const dist = mkdtempSync(join(tmpdir(), 'run-latency-'));
  const page = (slug: string, html: string) => {
    mkdirSync(join(dist, 'questions', slug), { recursive: true });
    writeFileSync(join(dist, 'questions', slug, 'index.html'), html);
  };
  const button = (module: string, pglite: boolean) =>
    `<button type="button" class="run" data-run="a.js"${pglite ? ' data-pglite="c.tar.gz"' : ''} aria-label="Run snippets/${module} in your browser">Run</button>`;
  page('a-none', '<p>No runner here.</p>');
  page('b-db', button('db/x.ts', true));
  page('c-both', button('http/y.ts', false) + button('db/z.ts', true));
  expect(runnableDemo(dist, false)).toEqual({ path: 'questions/c-both/', module: 'snippets/http/y.ts' });
  expect(runnableDemo(dist, true)).toEqual({ path: 'questions/b-db/', module: 'snippets/db/x.ts' });
  page('a-none', '<p>Still none.</p>');
  expect(() => runnableDemo(join(dist, 'missing'), false)).toThrow();
});
