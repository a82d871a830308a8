import { describe, expect, it } from 'vitest';
import { siteConfig } from './site-config.ts';

describe('siteConfig', () => {
  it('has working defaults for local use', () => {
    expect(siteConfig({})).toMatchObject({ site: 'http://localhost:4321', base: '/', branch: 'main' });
  });

  it('reads and normalises the environment', () => {
    const config = siteConfig({ SITE_URL: 'https://acme.github.io/', BASE_PATH: 'handbook', REPO_URL: 'https://github.com/acme/handbook/', REPO_BRANCH: 'trunk' });
    expect(config).toMatchObject({ site: 'https://acme.github.io', base: '/handbook/', repoUrl: 'https://github.com/acme/handbook', branch: 'trunk' });
  });

  it('rejects a SITE_URL that is not absolute', () => {
    expect(() => siteConfig({ SITE_URL: 'acme.github.io' })).toThrow(/SITE_URL must be an absolute URL/);
  });
});
