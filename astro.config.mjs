// @ts-check
import { satteri } from '@astrojs/markdown-satteri';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';
import { bookIds } from './src/lib/site/book-integration.ts';
import { codeHighlightCache, codeHighlightPlugin } from './src/lib/markdown/code-highlight-plugin.ts';
import { contentCheck } from './src/lib/content/content-integration.ts';
import { DeferredDemos } from './src/lib/demos/deferred-demos.ts';
import { demoOutputs } from './src/lib/demos/demo-output-integration.ts';
import { diagramCache, diagramPlugin } from './src/lib/diagrams/diagram-plugin.ts';
import { epubBook, epubCache } from './src/lib/epub/epub-integration.ts';
import { externalLinkPlugin } from './src/lib/markdown/external-link-plugin.ts';
import { headingAnchorPlugin } from './src/lib/markdown/heading-anchor-plugin.ts';
import { parseQuestionFileName, readQuestionSources } from './src/lib/content/question-files.ts';
import { questionLinkPlugin } from './src/lib/markdown/question-link-plugin.ts';
import { snippetPlugin } from './src/lib/markdown/snippet-plugin.ts';
import { searchIndex } from './src/lib/search/search-index-integration.ts';
import { shikiConfig } from './src/lib/markdown/site-shiki.ts';
import { securityHeaders } from './src/lib/site/security-integration.ts';
import { runnerFiles } from './src/lib/runnable/run-integration.ts';
import { siteConfig } from './src/lib/site/site-config.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const config = siteConfig();
const sources = readQuestionSources(root);
const slugs = new Map(
  sources
    .map((f) => parseQuestionFileName(f.path.split('/').at(-1) ?? ''))
    .filter((f) => f !== null)
    .map((f) => [f.id, f.slug]),
);
// In `astro build`, pages render while their demos run; outputs go in after.
// (`npm run build` starts the demo host before this file loads: src/lib/demos/warm-host-preload.ts.)
const deferredDemos = new DeferredDemos();
const search = searchIndex(root);

export default defineConfig({
  site: config.site,
  base: config.base,
  trailingSlash: 'always',
  // Two pages at a time: a share card's PNG is drawn and compressed on
  // Node's thread pool, and with one page at a time the build's thread sat
  // idle waiting for it (~3 s of a cold build's page generation).
  build: { format: 'directory', concurrency: 2 },
  integrations: [
    // Checks every answer's frontmatter; only then starts the demos pages show.
    contentCheck(root),
    // optimize: each page's static HTML compiles to strings, not one JSX call
    // per element (every highlighted token was one). A cold build's Astro
    // process peaked ~215 MB lower and used ~1.5 s less CPU (2026-12-02);
    // the HTML differs only in how it is written (`attr=""`, `'` unescaped).
    mdx({ optimize: true }),
    // Fills in demo output, so it comes before anything that reads built pages.
    demoOutputs(deferredDemos),
    bookIds(config.base, slugs),
    // Pages are final from here: Pagefind indexes them beside the steps below, until searchIndex.end.
    search.start,
    // Made from the book pages above once their ids are scoped, so it comes after.
    epubBook({ root, title: config.title, description: config.description, url: `${config.site}${config.base}`, cache: epubCache(root) }),
    securityHeaders(),
    // Chunks of the demos a reader can run in the page, loaded on Run.
    runnerFiles(root),
    // Redirect stubs (/q/N/) and the 404 page are not pages to index.
    sitemap({ filter: (page) => !/\/q\/\d+\/$|\/404\/?$/.test(page) }),
    search.end,
  ],
  markdown: {
    // Code is highlighted by codeHighlightPlugin below: Astro's own Shiki step, each block's result kept.
    syntaxHighlight: false,
    processor: satteri({
      mdastPlugins: [
        snippetPlugin({ root, sourceUrl: `${config.repoUrl}/blob/${config.branch}/`, deferred: deferredDemos }),
        questionLinkPlugin({ root, base: config.base, slugs }),
        diagramPlugin({ root, cache: diagramCache(root) }),
      ],
      hastPlugins: [
        // One pass with the light theme; the transformer adds the dark colours
        // and writes token colours as classes (src/styles/code-tokens.css),
        // not style attributes. Highlighted in a thread, which builds the
        // same options from the module named last.
        codeHighlightPlugin(
          await shikiConfig(),
          codeHighlightCache(root, [`${root}src/lib/markdown/site-shiki.ts`]),
          new URL('./src/lib/markdown/site-shiki.ts', import.meta.url),
        ),
        headingAnchorPlugin(),
        externalLinkPlugin(),
      ],
    }),
  },
  vite: {
    build: {
      rolldownOptions: {
        // Astro marks each MDX module with "use astro:head-inject"; the
        // bundler warns about it once per page. It is Astro's own marker.
        onLog(level, log, handler) {
          if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('astro:head-inject')) return;
          handler(level, log);
        },
      },
    },
  },
  devToolbar: { enabled: false },
});
