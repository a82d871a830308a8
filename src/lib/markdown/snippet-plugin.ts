/**
 * Turns `<Snippet file="http/status.ts" region="create" />` in MDX into the
 * region's code (highlighted later by Shiki), captioned with its path and a
 * link to the source lines. With `output`, the module is run during the
 * build and its real output is shown below (in `astro build`, filled in
 * after the pages render: deferred-demos.ts). Any mistake fails the build,
 * naming the page, the line, the snippet and what to fix. The tag itself is
 * read by snippet-usage.ts, the same reader the content lint uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MdastNode, MdxJsxFlowElement } from 'satteri';
import { GUIDE } from '../content/content-problem.ts';
import type { DeferredDemos } from '../demos/deferred-demos.ts';
import { prefetchDemos, runDemo } from '../demos/demo-output.ts';
import { type RunnableDemo, runnableDemo } from '../runnable/run-manifest.ts';
import { code, element, type JsxElement, location, text, type VisitorContext } from './mdast.ts';
import { extractRegion } from './regions.ts';
import { pageSnippets, SNIPPET_DIR, snippetLanguage, snippetRef, type SnippetRef } from './snippet-usage.ts';

export interface SnippetOptions {
  /** Repository root: snippet paths and messages are relative to it. */
  root: string;
  /** Base for source links, like `https://github.com/o/r/blob/main/`. */
  sourceUrl: string;
  /** Runs a demo; replaced in tests. */
  run?: (file: string) => Promise<string>;
  /** Where pages leave demo outputs to be filled in after rendering, when it is active. */
  deferred?: DeferredDemos;
  /** Whether a demo runs in the browser (its chunk) or only in Node (why); replaced in tests. */
  runnable?: (file: string) => Promise<RunnableDemo>;
}

/** A Sätteri mdast plugin (Astro's Markdown processor). */
export function snippetPlugin(options: SnippetOptions) {
  const settings = {
    run: (file: string) => runDemo(file, { cwd: options.root }),
    runnable: (file: string) => runnableDemo(file, options.root),
    ...options,
  };
  return {
    name: 'handbook-snippets',
    options: { position: true },
    async mdxJsxFlowElement(node: Readonly<MdxJsxFlowElement>, ctx: VisitorContext) {
      if (node.name !== 'Snippet') return;
      ctx.replaceNode(node, await expandSnippet(node, location(settings.root, ctx.fileURL, node), settings));
    },
  };
}

/**
 * Starts the demos every page shows with `output`, so they are ready when
 * pages compile. content-integration.ts calls it once the frontmatter passes.
 */
export function prefetchPageDemos(root: string, pages: readonly { text: string }[]): void {
  const files = pages.flatMap((page) =>
    pageSnippets(page.text).refs.filter((ref) => ref.output).map((ref) => join(root, SNIPPET_DIR, ref.file)));
  prefetchDemos(new Set(files), { cwd: root });
}

/** The nodes that replace one `<Snippet>`; `where` is its `file:line`. */
async function expandSnippet(
  node: Readonly<JsxElement>,
  where: string,
  { root, sourceUrl, run, runnable, deferred }: SnippetOptions & Pick<Required<SnippetOptions>, 'run' | 'runnable'>,
): Promise<MdastNode[]> {
  let ref: SnippetRef;
  try {
    ref = snippetRef(node);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  const { file, region } = ref;
  const path = `${SNIPPET_DIR}/${file}`;
  const absolute = join(root, path);
  if (!existsSync(absolute)) {
    throw new Error(`${where}: <Snippet file="${file}"> points at ${path}, which does not exist; create it or fix the path (${GUIDE.snippets})`);
  }
  let shown;
  try {
    shown = extractRegion(readFileSync(absolute, 'utf8'), path, region);
  } catch (error) {
    throw new Error(`${where}: <Snippet file="${file}" region="${region}">: ${(error as Error).message} (${GUIDE.snippets})`);
  }

  const source = element('figure', { class: 'snippet' }, [
    element('figcaption', { 'data-pagefind-ignore': '' }, [
      element('a', { href: `${sourceUrl}${path}#L${shown.startLine}-L${shown.endLine}`, class: 'snippet-path', rel: 'noopener noreferrer' }, [text(path)], false),
      element('button', { type: 'button', class: 'copy js-only', 'data-copy': '', 'aria-label': `Copy code from ${path}` }, [text('Copy')], false),
    ]),
    code(snippetLanguage(path), shown.code),
  ]);
  if (!ref.output) return [source];

  const failure = (error: unknown) => new Error(`${where}: <Snippet file="${file}" output>: ${(error as Error).message.replaceAll(absolute, path)}`);
  let output: string;
  let demo: RunnableDemo;
  try {
    // Deferred (astro build): a placeholder now, the output after rendering.
    [output, demo] = await Promise.all([
      deferred?.active ? deferred.placeholder(path, () => run(absolute), failure) : run(absolute),
      runnable(absolute),
    ]);
  } catch (error) {
    throw failure(error);
  }
  const command = `node ${path}`;
  return [
    source,
    element('figure', { class: 'snippet-output' }, [
      element('figcaption', { 'data-pagefind-ignore': '' }, [text('Output of '), element('code', {}, [text(command)], false), ...runControl(demo, command)]),
      code('text', output),
    ]),
  ];
}

/**
 * Beside a demo's output: Run and Edit buttons when it runs in the browser
 * (site.ts loads the runner, or the editor, on the first press), else why it
 * runs only in Node and a button that copies the command.
 */
function runControl(demo: RunnableDemo, command: string): MdastNode[] {
  if (demo.runnable) {
    const path = command.slice(5);
    // run.ts reads these: the compiled module, the scripts loaded before it, its source (for the editor).
    const data: Record<string, string> = {
      type: 'button', class: 'run js-only', 'data-run': demo.main, 'data-scripts': demo.scripts.join(' '), 'data-source': demo.source,
      'aria-label': `Run ${path} in your browser`,
    };
    if (demo.pglite) data['data-pglite'] = demo.pglite;
    const edit = { type: 'button', class: 'run js-only', 'data-edit': path, 'aria-expanded': 'false', 'aria-label': `Edit ${path} and run it` };
    return [element('button', data, [text('Run')], false), element('button', edit, [text('Edit')], false)];
  }
  return [
    element('span', { class: 'run-node' }, [text(`Runs in Node only: ${demo.reason}.`)], false),
    element('button', { type: 'button', class: 'copy js-only', 'data-copy': command, 'aria-label': `Copy command: ${command}` }, [text('Copy command')], false),
  ];
}
