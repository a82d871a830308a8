import { createHash } from 'node:crypto';
import type { Code } from 'mdast';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MdastNode } from 'satteri';
import { parseDiagramSource } from './diagram-source.ts';
import { renderDiagramSvg } from './diagram-svg.ts';
import { element, type JsxElement, location, text, type VisitorContext } from '../markdown/mdast.ts';
import { type BuildCache, buildCache, cachedResult } from '../tooling/build-cache.ts';

/**
 * Turns a ```mermaid block in an answer into a figure: the diagram as inline
 * SVG, its title as the caption, and its text description in a "Text
 * description" disclosure that the SVG points at with `aria-describedby`.
 * A missing alternative or a visible syntax error fails the build, naming
 * the page's line and what to fix.
 */
export interface DiagramOptions {
  /** Repository root: messages name pages relative to it. */
  root: string;
  /** Where rendered diagrams are kept (diagramCache); none in tests. */
  cache?: BuildCache;
}

/** Where rendered diagrams are kept; `npm run bench` clears it for a cold build. */
export const diagramCacheDir = (root: string) => join(root, '.cache/diagrams');

/**
 * The build's store of rendered diagrams: laying one out costs ~35 ms of
 * CPU, about 2 s a build (2026-12-02). Keyed by the diagram and the
 * renderer (diagram-svg.ts and the locked packages).
 */
export const diagramCache = (root: string): BuildCache =>
  buildCache(root, diagramCacheDir(root), [fileURLToPath(new URL('./diagram-svg.ts', import.meta.url))]);

/** A Sätteri mdast plugin (Astro's Markdown processor). */
export function diagramPlugin({ root, cache }: DiagramOptions) {
  return {
    name: 'handbook-diagrams',
    options: { position: true },
    code(node: Readonly<Code>, ctx: VisitorContext) {
      if (node.lang !== 'mermaid') return;
      const fence = node.position?.start.line ?? 0;
      const at = (line: number) => location(root, ctx.fileURL, { position: { start: { line: fence + line } } });
      ctx.replaceNode(node, diagramFigure(node, at, cache));
    },
  };
}

/**
 * The figure that replaces one block; `at(n)` is the `file:line` of the
 * block's n-th line (0 for the fence itself).
 */
function diagramFigure(node: Readonly<Code>, at: (line: number) => string, cache: BuildCache | undefined): JsxElement {
  const { diagram, problems } = parseDiagramSource(node.value);
  const where = at(0);
  if (!diagram) {
    const list = problems.map((p) => `  ${at(p.line)}: ${p.message}`).join('\n');
    throw new Error(`${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the mermaid diagram (see CONTRIBUTING.md#diagrams):\n${list}`);
  }
  const id = `diagram-${createHash('sha256').update(node.value).digest('hex').slice(0, 8)}`;
  let svg: string;
  try {
    const options = { id, title: diagram.title, describedBy: `${id}-text` };
    const render = () => renderDiagramSvg(diagram.body, options);
    svg = cache ? cachedResult(cache, JSON.stringify([diagram.body, options]), render, 'svg') : render();
  } catch (error) {
    throw new Error(`${where}: the mermaid diagram could not be rendered: ${(error as Error).message}`);
  }
  return element('figure', { class: 'diagram' }, [
    element('div', { class: 'diagram-frame', tabindex: '0', 'data-pagefind-ignore': '', 'set:html': svg }, []),
    element('figcaption', {}, [
      text(diagram.title),
      element('details', {}, [
        element('summary', {}, [text('Text description')], false),
        element('div', { id: `${id}-text` }, descriptionBlocks(diagram.description)),
      ]),
    ]),
  ]);
}

/**
 * The description as HTML: lines starting with `- ` form a list, other runs
 * of lines a paragraph, a blank line ends a paragraph; `code` in backticks.
 */
export function descriptionBlocks(lines: readonly string[]): JsxElement[] {
  const blocks: JsxElement[] = [];
  let paragraph: string[] = [];
  let items: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push(element('p', {}, inline(paragraph.join(' ')), false));
    if (items.length) blocks.push(element('ul', {}, items.map((item) => element('li', {}, inline(item), false))));
    paragraph = [];
    items = [];
  };
  for (const line of lines) {
    if (line.startsWith('- ')) {
      if (paragraph.length) flush();
      items.push(line.slice(2).trim());
    } else if (line === '') {
      flush();
    } else {
      if (items.length) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

function inline(value: string): MdastNode[] {
  return value.split('`').map((part, i) => (i % 2 === 1 ? element('code', {}, [text(part)], false) : text(part)));
}
