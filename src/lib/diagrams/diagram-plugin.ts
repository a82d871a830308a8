import { createHash } from 'node:crypto';
import type { Code } from 'mdast';
import type { MdastNode } from 'satteri';
import { parseDiagramSource } from './diagram-source.ts';
import { renderDiagramSvg } from './diagram-svg.ts';
import { element, type JsxElement, location, text, type VisitorContext } from '../markdown/mdast.ts';

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
}

/** A Sätteri mdast plugin (Astro's Markdown processor). */
export function diagramPlugin({ root }: DiagramOptions) {
  return {
    name: 'handbook-diagrams',
    options: { position: true },
    code(node: Readonly<Code>, ctx: VisitorContext) {
      if (node.lang !== 'mermaid') return;
      const fence = node.position?.start.line ?? 0;
      const at = (line: number) => location(root, ctx.fileURL, { position: { start: { line: fence + line } } });
      ctx.replaceNode(node, diagramFigure(node, at));
    },
  };
}

/**
 * The figure that replaces one block; `at(n)` is the `file:line` of the
 * block's n-th line (0 for the fence itself).
 */
function diagramFigure(node: Readonly<Code>, at: (line: number) => string): JsxElement {
  const { diagram, problems } = parseDiagramSource(node.value);
  const where = at(0);
  if (!diagram) {
    const list = problems.map((p) => `  ${at(p.line)}: ${p.message}`).join('\n');
    throw new Error(`${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the mermaid diagram (see CONTRIBUTING.md#diagrams):\n${list}`);
  }
  const id = `diagram-${createHash('sha256').update(node.value).digest('hex').slice(0, 8)}`;
  let svg: string;
  try {
    svg = renderDiagramSvg(diagram.body, { id, title: diagram.title, describedBy: `${id}-text` });
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
