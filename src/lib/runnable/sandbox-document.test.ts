import { describe, expect, it } from 'vitest';
import { sandboxDocument, sandboxPolicy } from './sandbox-document.ts';

describe('sandboxPolicy', () => {
  it('allows scripts only from the runner folder, workers only from data:, and no network', () => {
    const policy = sandboxPolicy('https://example.com/handbook/_run/');
    expect(policy.split('; ')).toEqual([
      "default-src 'none'",
      "script-src https://example.com/handbook/_run/ 'wasm-unsafe-eval'",
      'worker-src data:',
      "connect-src 'none'",
      "form-action 'none'",
      "base-uri 'none'",
    ]);
  });
});

describe('sandboxDocument', () => {
  it('carries the policy in a meta and loads the sandbox script from the runner folder', () => {
    const html = sandboxDocument('http://127.0.0.1:4391/handbook/_run/');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${sandboxPolicy('http://127.0.0.1:4391/handbook/_run/')}">`);
    expect(html).toContain('<script src="http://127.0.0.1:4391/handbook/_run/sandbox.js"></script>');
  });

  it('refuses a base that is not an absolute folder URL, which could break out of the attribute', () => {
    expect(() => sandboxDocument('/handbook/_run/')).toThrow(/http\(s\) URL ending in "\/"/);
    expect(() => sandboxDocument('https://x.test/_run')).toThrow(/ending in "\/"/);
    expect(() => sandboxDocument('https://x.test/"><script>/')).toThrow();
  });
});
