/**
 * Lets `astro build` render pages while their demos run: pages carry
 * placeholders (deferred-demos.ts, demo-placeholder.ts), and once every
 * page is written this fills them in, or fails the build naming each page,
 * line and snippet whose demo failed. List it before any integration that
 * reads the built pages (the book's ids, the EPUB) in astro.config.mjs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { filesUnder } from '../tooling/files.ts';
import type { DeferredDemos } from './deferred-demos.ts';
import { fillDemoOutputs } from './demo-placeholder.ts';

/** Built files a page's text can end up in, so a placeholder (only pages hold them today). */
const TEXT_FILE = /\.(html|xml|txt|json|js|css|svg)$/;

/** Fills in the demo output of every built page; `demos` is the one the snippet plugin defers to. */
export function demoOutputs(demos: DeferredDemos): AstroIntegration {
  return {
    name: 'handbook-demo-output',
    hooks: {
      'astro:config:setup': ({ command }) => {
        demos.active = command === 'build';
      },
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const { outputs, failures } = await demos.outcomes();
        if (failures.length > 0) throw new Error(failures.join('\n'));
        const waited = Math.round(performance.now() - started);
        const { pages, filled } = fillBuiltFiles(fileURLToPath(dir), outputs);
        logger.info(`filled in ${filled} outputs of ${outputs.size} demos on ${pages} pages (waited ${waited} ms for demos after rendering)`);
      },
    },
  };
}

/**
 * Fills the placeholders of every built text file under `dist`; how many
 * files changed and how many outputs went in. Throws, naming each file and
 * demo, when a placeholder names a demo with no output, when one is left
 * unfilled, or when a demo's output went nowhere.
 */
export function fillBuiltFiles(dist: string, outputs: ReadonlyMap<string, string>): { pages: number; filled: number } {
  let pages = 0;
  let filled = 0;
  const shown = new Set<string>();
  const problems: string[] = [];
  for (const file of filesUnder(dist).filter((f) => TEXT_FILE.test(f))) {
    const page = fillDemoOutputs(readFileSync(file, 'utf8'), outputs);
    const name = relative(dist, file);
    for (const path of page.missing) problems.push(`${name}: a placeholder names ${path}, but no demo of that name ran in this build; was the page rendered without the snippet plugin, or is it text made to look like a placeholder?`);
    for (const path of page.stray) problems.push(`${name}: the placeholder for ${path} is not the whole of a code block, so was left unfilled`);
    if (page.filled.length === 0) continue;
    writeFileSync(file, page.html);
    pages += 1;
    filled += page.filled.length;
    for (const path of page.filled) shown.add(path);
  }
  for (const path of outputs.keys()) if (!shown.has(path)) problems.push(`${path}: its demo ran, but no built page had a placeholder for its output`);
  if (problems.length > 0) throw new Error(`demo output could not be filled in:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { pages, filled };
}
