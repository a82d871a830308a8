import { chromium, type LaunchOptions } from '@playwright/test';
import { existsSync } from 'node:fs';

/** Debian's Chromium, as root in a container with no network: these flags are required. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const SYSTEM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Playwright's own Chromium when it is installed (`npx playwright install
 * chromium`); otherwise the system's (`CHROMIUM_PATH`, or Debian's
 * /usr/bin/chromium, which `scripts/test.sh` installs when neither exists).
 */
export function launchOptions(): LaunchOptions {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return { executablePath: explicit, args: SYSTEM_ARGS };
  if (existsSync(chromium.executablePath())) return {};
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: SYSTEM_ARGS };
  throw new Error(
    `No Chromium for Playwright. Run "npx playwright install chromium", or on Debian/Ubuntu "apt-get install chromium", or set CHROMIUM_PATH.`,
  );
}
