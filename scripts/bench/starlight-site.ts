/**
 * The benchmark's peer: the same answers as a stock Astro Starlight site,
 * generated in a temporary folder. Starlight runs Pagefind itself during
 * `astro build`.
 *
 * The folder is under bench/tmp/ (gitignored), not os.tmpdir(), so Node
 * finds our node_modules by walking up. A node_modules symlink in /tmp does
 * not work: Astro 7 reads an absolute path outside the project root as
 * root-relative, and fails to compile Starlight's components.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BANDS } from '../../src/lib/content/difficulty.ts';
import { parseQuestionFileName } from '../../src/lib/content/question-files.ts';
import { extractRegion } from '../../src/lib/markdown/regions.ts';
import { type ListedPage, starlightListPage, toStarlightPage } from './starlight-page.ts';

const CONFIG = `import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';

export default defineConfig({
  integrations: [
    starlight({
      title: 'Backend Interview Handbook',
      sidebar: [
        { label: 'By difficulty', items: [{ autogenerate: { directory: 'difficulty' } }] },
        { label: 'Questions', items: [{ autogenerate: { directory: 'questions' } }] },
      ],
    }),
  ],
});
`;

// Astro bundles the packages a site depends on that depend on Astro; without
// these entries Starlight's middleware stays external and cannot render.
const PACKAGE = `${JSON.stringify({
  name: 'handbook-starlight-peer',
  private: true,
  type: 'module',
  dependencies: { '@astrojs/starlight': '*', astro: '*' },
}, null, 2)}\n`;

const CONTENT_CONFIG = `import { defineCollection } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';

export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };
`;

export interface PeerSite {
  dir: string;
  pages: number;
  /** Snippets shown with `output` whose output was not known, so not shown. */
  missingOutputs: string[];
}

/** Writes the peer site for the answers under `root` into a new temp folder. */
export function writeStarlightSite(root: string, output: (file: string) => string | undefined): PeerSite {
  mkdirSync(join(root, 'bench/tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, 'bench/tmp/starlight-'));
  writeFileSync(join(dir, 'package.json'), PACKAGE);
  writeFileSync(join(dir, 'astro.config.mjs'), CONFIG);
  mkdirSync(join(dir, 'src/content/docs/questions'), { recursive: true });
  mkdirSync(join(dir, 'src/content/docs/difficulty'), { recursive: true });
  writeFileSync(join(dir, 'src/content.config.ts'), CONTENT_CONFIG);
  // Starlight links /favicon.svg, which its starter ships in public/: ours stands in.
  mkdirSync(join(dir, 'public'));
  copyFileSync(join(root, 'public/favicon.svg'), join(dir, 'public/favicon.svg'));

  const questionDir = join(root, 'content/questions');
  const files = readdirSync(questionDir).filter((f) => f.endsWith('.mdx')).sort();
  const slugs = new Map(files.map((f) => parseQuestionFileName(f)).filter((f) => f !== null).map((f) => [f.id, f.slug]));
  const missingOutputs: string[] = [];
  const convert = {
    slugs,
    region: (file: string, name: string) =>
      extractRegion(readFileSync(join(root, 'snippets', file), 'utf8'), `snippets/${file}`, name).code,
    output: (file: string) => {
      const printed = output(join(root, 'snippets', file));
      if (printed === undefined) missingOutputs.push(file);
      return printed;
    },
  };

  const listed: (ListedPage & { difficulty: string })[] = [];
  for (const file of files) {
    const slug = parseQuestionFileName(file)?.slug;
    if (!slug) continue;
    const mdx = readFileSync(join(questionDir, file), 'utf8');
    const page = toStarlightPage(mdx, `content/questions/${file}`, convert);
    writeFileSync(join(dir, 'src/content/docs/questions', `${slug}.mdx`), page.body);
    const { summary, difficulty } = parse(/^---\n([\s\S]*?)\n---/.exec(mdx)![1]!) as { summary: string; difficulty: string };
    listed.push({ title: page.title, description: summary, href: `questions/${slug}/`, difficulty });
  }

  writeFileSync(join(dir, 'src/content/docs/index.mdx'),
    starlightListPage('Backend Interview Handbook', '100 backend engineering interview questions, easy to hard.', listed));
  for (const band of BANDS) {
    const inBand = listed.filter((p) => p.difficulty === band.difficulty).map((p) => ({ ...p, href: `../../${p.href}` }));
    writeFileSync(join(dir, 'src/content/docs/difficulty', `${band.difficulty}.mdx`),
      starlightListPage(`${band.label} questions`, band.blurb, inBand));
  }
  return { dir, pages: listed.length + 1 + BANDS.length, missingOutputs: [...new Set(missingOutputs)] };
}
