import { describe, expect, it, vi } from 'vitest';
import type { Code } from 'mdast';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCache, type BuildCache } from '../tooling/build-cache.ts';
import { descriptionBlocks, diagramPlugin } from './diagram-plugin.ts';
import type { JsxElement, VisitorContext } from '../markdown/mdast.ts';

const ALT = 'accTitle: Key states\naccDescr {\n  A `row` moves.\n}';

function block(value: string, lang = 'mermaid'): Code {
  const at = { line: 20, column: 1 };
  return { type: 'code', lang, meta: null, value, position: { start: at, end: at } };
}

function context() {
  return {
    fileURL: new URL('file:///repo/content/questions/059-a.mdx'),
    replaceNode: vi.fn(),
    setProperty: vi.fn(),
  } satisfies VisitorContext;
}

const run = (node: Code, cache?: BuildCache) => {
  const ctx = context();
  diagramPlugin({ root: '/repo', cache }).code(node, ctx);
  return ctx.replaceNode.mock.calls[0]?.[1] as JsxElement | undefined;
};
const attrs = (el: JsxElement) => Object.fromEntries(el.attributes.map((a) => [(a as { name: string }).name, (a as { value: string }).value]));

describe('diagramPlugin', () => {
  it('leaves other code blocks alone', () => {
    expect(run(block('const a = 1;', 'ts'))).toBeUndefined();
  });

  it('keeps a rendered diagram, and shows the kept SVG for the same diagram', () => {
    const root = mkdtempSync(join(tmpdir(), 'diagrams-'));
    writeFileSync(join(root, 'package-lock.json'), '{}');
    const cache = buildCache(root, join(root, '.cache/diagrams'), []);
    const svgOf = (figure: JsxElement) => attrs(figure.children[0] as JsxElement)['set:html'];
    const first = svgOf(run(block(`graph TD\n${ALT}\nA --> B`), cache)!);
    const [kept] = readdirSync(cache.dir);
    writeFileSync(join(cache.dir, kept!), '<svg>kept</svg>');
    expect(first).toContain('role="img"');
    expect(svgOf(run(block(`graph TD\n${ALT}\nA --> B`), cache)!)).toBe('<svg>kept</svg>');
    expect(svgOf(run(block(`graph TD\n${ALT}\nA --> C`), cache)!)).toContain('role="img"');
  });

  it('replaces a mermaid block with a figure: SVG, caption, and the text description it points at', () => {
    const figure = run(block(`graph TD\n${ALT}\nA --> B`))!;
    expect(figure.name).toBe('figure');
    const [frame, caption] = figure.children as JsxElement[];
    const svg = attrs(frame!)['set:html']!;
    const id = /aria-describedby="([^"]+)"/.exec(svg)![1];
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="diagram-');
    expect(caption!.name).toBe('figcaption');
    expect(caption!.children[0]).toEqual({ type: 'text', value: 'Key states' });
    const details = caption!.children[1] as JsxElement;
    const [summary, text] = details.children as JsxElement[];
    expect(summary!.children).toEqual([{ type: 'text', value: 'Text description' }]);
    expect(attrs(text!).id).toBe(id);
  });

  it('fails with every problem at its page line and what to fix', () => {
    expect(() => run(block('graph TD\nA --> B\nA -->'))).toThrow(
      'content/questions/059-a.mdx:20: 3 problems in the mermaid diagram (see CONTRIBUTING.md#diagrams):\n'
      + '  content/questions/059-a.mdx:23: the arrow in `A -->` points at nothing: name the target after it, like `A --> B`\n'
      + '  content/questions/059-a.mdx:21: the diagram has no title: add a line `accTitle: What the diagram shows`, which becomes its caption\n'
      + '  content/questions/059-a.mdx:21: the diagram has no text description: add `accDescr {` … `}` saying in words what the diagram shows, for readers who cannot see it',
    );
  });

  it('fails on a diagram the renderer rejects, naming the page line', () => {
    expect(() => run(block(`flowchrt TD\n${ALT}\nA --> B`))).toThrow(
      /^content\/questions\/059-a\.mdx:20: the mermaid diagram could not be rendered: Invalid mermaid header: "flowchrt TD"/,
    );
  });

  it('fails on a hard-coded colour, which would ignore the theme', () => {
    expect(() => run(block(`graph TD\n${ALT}\nA --> B\nstyle A fill:#f00`))).toThrow(
      /^content\/questions\/059-a\.mdx:20: the mermaid diagram could not be rendered: the rendered SVG has fill="#f00", a colour that ignores the theme/,
    );
  });
});

describe('descriptionBlocks', () => {
  it('makes paragraphs of runs of lines and a list of "- " lines, with `code`', () => {
    const blocks = descriptionBlocks(['One', 'two `x`.', '', 'Three.', '- a', '- b', 'After.']);
    expect(blocks.map((b) => b.name)).toEqual(['p', 'p', 'ul', 'p']);
    expect(blocks[0]!.children).toEqual([
      { type: 'text', value: 'One two ' },
      expect.objectContaining({ name: 'code', children: [{ type: 'text', value: 'x' }] }),
      { type: 'text', value: '.' },
    ]);
    expect((blocks[2]!.children as JsxElement[]).map((li) => li.children)).toEqual([[{ type: 'text', value: 'a' }], [{ type: 'text', value: 'b' }]]);
  });
});
