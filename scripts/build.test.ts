import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildEnv } from './build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// The packages of the build whose native code carries its own mimalloc
// (Sätteri's uses glibc's malloc): each prints its options at start with
// MIMALLOC_VERBOSE=1.
const MIMALLOC_USERS = ['rolldown', '@astrojs/compiler-binding', '@resvg/resvg-js'];

describe("the build's environment", () => {
  it('has every mimalloc in the build purge freed pages at once', () => {
    const load = MIMALLOC_USERS.map((name) => `require(${JSON.stringify(name)});`).join(' ');
    const env = buildEnv({ PATH: process.env.PATH, MIMALLOC_VERBOSE: '1' });
    const { stderr } = spawnSync(process.execPath, ['-e', load], { cwd: root, env, encoding: 'utf8' });
    // A release that renamed the option would print it under another name, or not at all.
    const delays = [...stderr.matchAll(/option 'purge_delay': (-?\d+)/g)].map((match) => match[1]);
    expect(delays).toEqual(MIMALLOC_USERS.map(() => '0'));
  });

  it('lets a variable set by hand win', () => {
    expect(buildEnv({ MIMALLOC_PURGE_DELAY: '10' }).MIMALLOC_PURGE_DELAY).toBe('10');
    expect(buildEnv({}).MIMALLOC_PURGE_DELAY).toBe('0');
  });

  it('keeps the variables it is given', () => {
    expect(buildEnv({ BASE_PATH: '/x/' })).toMatchObject({ BASE_PATH: '/x/', MIMALLOC_PURGE_DELAY: '0' });
  });
});
