import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Source } from '../../src/lib/site/csp.ts';
import { headersFor, parseHeadersFile } from '../../src/lib/tooling/static-server.ts';
import { TEST_ORIGIN } from '../site-under-test.ts';
import { builtPages, DIST } from './dist.ts';

const pages = builtPages();
const metaPolicy = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#39;', "'");

describe('security', () => {
  it('ships _headers with the CSP and the other security headers for every path', () => {
    const rules = parseHeadersFile(readFileSync(join(DIST, '_headers'), 'utf8'), 'dist/_headers');
    const headers = new Map(headersFor(rules, '/questions/json/'));
    expect(headers.get('Content-Security-Policy')).toMatch(/frame-ancestors 'none'/);
    expect(headers.get('Content-Security-Policy')).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    for (const name of ['Referrer-Policy', 'X-Content-Type-Options', 'Permissions-Policy']) expect(headers.has(name), name).toBe(true);
  });

  it.each(pages.filter((p) => !p.file.startsWith('q/')).map((p) => [p.file, p.html]))(
    '%s carries the CSP in a meta before any script, and each inline script is allowed by hash',
    (_file, html) => {
      const policy = metaPolicy(html);
      expect(policy, 'meta CSP').toBeDefined();
      expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(html.indexOf('<script'));
      const scriptSrc = policy!.split('; ').find((d) => d.startsWith('script-src '))!;
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/(?:ld\+)?json")[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      for (const code of inline) expect(scriptSrc, `inline script ${code.slice(0, 60)}…`).toContain(sha256Source(code));
      expect(html).not.toMatch(/\son[a-z]+="/);
    },
  );

  it('marks every link that leaves the site rel="noopener noreferrer"', () => {
    const bare: string[] = [];
    for (const page of pages) {
      for (const [tag, href] of page.html.matchAll(/<a\b[^>]*\bhref="(https?:\/\/[^"]+)"[^>]*>/g)) {
        if (new URL(href!).origin === TEST_ORIGIN) continue;
        const rel = /\srel="([^"]*)"/.exec(tag)?.[1]?.split(/\s+/) ?? [];
        if (!rel.includes('noopener') || !rel.includes('noreferrer')) bare.push(`${page.file}: ${href}`);
      }
    }
    expect(bare, bare.slice(0, 20).join('\n')).toEqual([]);
  });
});
