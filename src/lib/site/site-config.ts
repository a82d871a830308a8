import { normalizeBase } from './links.ts';

/**
 * Deployment settings, from the environment so a fork deploys anywhere:
 *   SITE_URL   origin the site is served from (canonical URLs, sitemap)
 *   BASE_PATH  sub-path it is served under, like /handbook/
 *   REPO_URL   repository on GitHub (edit and source links)
 *   REPO_BRANCH branch those links point at
 */
export interface SiteConfig {
  site: string;
  base: string;
  repoUrl: string;
  branch: string;
  title: string;
  description: string;
}

export function siteConfig(env: Record<string, string | undefined> = process.env): SiteConfig {
  const site = env.SITE_URL?.trim() || 'http://localhost:4321';
  try {
    new URL(site);
  } catch {
    throw new Error(`SITE_URL must be an absolute URL like https://example.github.io, got "${site}"`);
  }
  return {
    site: site.replace(/\/+$/, ''),
    base: normalizeBase(env.BASE_PATH),
    repoUrl: (env.REPO_URL?.trim() || 'https://github.com/backend-interview-handbook/handbook').replace(/\/+$/, ''),
    branch: env.REPO_BRANCH?.trim() || 'main',
    title: 'Backend Interview Handbook',
    description: '100 backend engineering interview questions, answered to the standard of the RFCs and OWASP, with TypeScript code that runs and is tested.',
  };
}
