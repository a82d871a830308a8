import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, headersFile, sha256Source } from './csp.ts';
import { headersFor, parseHeadersFile } from '../tooling/static-server.ts';
import { THEME_SCRIPT } from './theme-script.ts';

describe('sha256Source', () => {
  it('hashes the exact text, as browsers do for an inline script', () => {
    const expected = createHash('sha256').update('alert(1)').digest('base64');
    expect(sha256Source('alert(1)')).toBe(`'sha256-${expected}'`);
    expect(sha256Source('alert(1) ')).not.toBe(sha256Source('alert(1)'));
  });
});

describe('contentSecurityPolicy', () => {
  const header = contentSecurityPolicy({ inlineScripts: [THEME_SCRIPT], delivery: 'header' });
  const meta = contentSecurityPolicy({ inlineScripts: [THEME_SCRIPT], delivery: 'meta' });
  const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));

  it('allows scripts from the site and the theme script by hash, never inline code at large', () => {
    expect(directive(header, 'script-src')).toBe(`script-src 'self' ${sha256Source(THEME_SCRIPT)} 'wasm-unsafe-eval'`);
    expect(header).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(header).not.toContain("'unsafe-eval'");
    expect(directive(header, 'object-src')).toBe("object-src 'none'");
  });

  it('allows workers only from data: URLs, which get an opaque origin of their own (the code runner)', () => {
    expect(directive(header, 'worker-src')).toBe('worker-src data:');
    expect(directive(meta, 'worker-src')).toBe('worker-src data:');
  });

  it('forbids framing in the header, and leaves frame-ancestors out of the meta version', () => {
    expect(directive(header, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(meta).not.toContain('frame-ancestors');
    expect(meta).toBe(header.replace("; frame-ancestors 'none'", ''));
  });
});

describe('headersFile', () => {
  it('round-trips through the _headers reader with every security header on every path', () => {
    const rules = parseHeadersFile(headersFile('default-src \'self\''));
    const names = headersFor(rules, '/questions/etag/').map(([name]) => name);
    expect(names).toEqual(['Content-Security-Policy', 'Referrer-Policy', 'X-Content-Type-Options', 'Permissions-Policy', 'X-Frame-Options', 'Cross-Origin-Opener-Policy']);
    expect(headersFor(rules, '/_astro/site.js')).toContainEqual(['Cache-Control', 'public, max-age=31536000, immutable']);
  });
});
