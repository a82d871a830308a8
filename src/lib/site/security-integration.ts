import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { contentSecurityPolicy, headersFile } from './csp.ts';
import { THEME_SCRIPT } from './theme-script.ts';

/** Writes dist/_headers: the CSP (header version) and the other security headers. */
export function securityHeaders(): AstroIntegration {
  return {
    name: 'handbook-security-headers',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const policy = contentSecurityPolicy({ inlineScripts: [THEME_SCRIPT], delivery: 'header' });
        writeFileSync(fileURLToPath(new URL('_headers', dir)), headersFile(policy));
        logger.info('wrote _headers (CSP and security headers)');
      },
    },
  };
}
