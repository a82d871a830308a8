import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASTRO_BIN, BUILD_ARGS, WARM_HOST } from '../../../scripts/build.ts';

const PRELOAD = new URL('./warm-host-preload.ts', import.meta.url).href;

/**
 * Run as `node --import <the preload> script.mjs <command>`, the way the
 * build runs `astro.mjs build`: starts a worker thread from a file, with
 * the same command in its argv (it loads the preload too), waits for it to end, then prints how many processes this
 * process's threads have started: the demo hosts. (A script file, not
 * `node -e`: worker threads inherit the `-e` and fail.)
 */
const SCRIPT = `
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
await new Promise((done) => new Worker(new URL(import.meta.url + '-worker.mjs'), { argv: process.argv.slice(2) }).on('exit', done));
const children = () => readdirSync('/proc/self/task')
  .flatMap((task) => readFileSync('/proc/self/task/' + task + '/children', 'utf8').split(' ').filter(Boolean));
// A host starts from the demo queue's thread: wait for one, then for any other.
for (let waited = 0; children().length === 0 && waited < 2000; waited += 50) await new Promise((done) => setTimeout(done, 50));
await new Promise((done) => setTimeout(done, 300));
console.log(children().length);
process.exit(0);
`;

function hostsStarted(command: string): number {
  const script = join(mkdtempSync(join(tmpdir(), 'preload-')), 'script.mjs');
  writeFileSync(script, SCRIPT);
  writeFileSync(`${script}-worker.mjs`, 'setTimeout(() => {}, 50);\n');
  const { stdout, stderr, status } = spawnSync(process.execPath, ['--import', PRELOAD, script, command], {
    env: { ...process.env, DEMO_CACHE: 'off' },
    encoding: 'utf8',
  });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return Number(stdout.trim());
}

describe.runIf(process.platform === 'linux')('warm-host-preload', () => {
  it('is what the build imports first, by URL', () => {
    expect(WARM_HOST).toBe(PRELOAD);
    const at = BUILD_ARGS.indexOf('--import');
    expect(BUILD_ARGS[at + 1]).toBe(PRELOAD);
    expect(at).toBeLessThan(BUILD_ARGS.indexOf(ASTRO_BIN));
  });

  it('starts one demo host in the build, none in its worker threads', () => {
    expect(hostsStarted('build')).toBe(1);
  });

  it('starts none for another command', () => {
    expect(hostsStarted('check')).toBe(0);
  });
});
