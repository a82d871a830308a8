/**
 * Helpers for our Sätteri mdast plugins (Astro's Markdown processor): build
 * MDX elements, read JSX attributes, and name the page line a node is on.
 */
import type { Code, Text } from 'mdast';
import type { MdastNode, MdastVisitorContext, MdxJsxFlowElement, MdxJsxTextElement } from 'satteri';

/** The part of Sätteri's visitor context our plugins use; tests fake only this. */
export type VisitorContext = Pick<MdastVisitorContext, 'fileURL' | 'replaceNode' | 'setProperty'>;

export type JsxElement = MdxJsxFlowElement | MdxJsxTextElement;

/**
 * A plain HTML element in MDX. Its children may be Markdown nodes such as
 * `code`, which Shiki then highlights; mdast's content model does not allow
 * phrasing inside a flow element, but MDX renders it as written, hence the cast.
 */
export function element(tag: string, attributes: Record<string, string>, children: MdastNode[], flow = true): JsxElement {
  return {
    type: flow ? 'mdxJsxFlowElement' : 'mdxJsxTextElement',
    name: tag,
    attributes: Object.entries(attributes).map(([name, value]) => ({ type: 'mdxJsxAttribute' as const, name, value })),
    children,
  } as JsxElement;
}

export function text(value: string): Text {
  return { type: 'text', value };
}

export function code(lang: string, value: string): Code {
  return { type: 'code', lang, meta: null, value };
}

/** A string attribute of a JSX element; `true` for a bare one (`<Snippet output />`). */
export function attribute(node: Readonly<JsxElement>, name: string): string | true | undefined {
  for (const a of node.attributes) {
    if (a.type !== 'mdxJsxAttribute' || a.name !== name) continue;
    if (a.value === null || a.value === undefined) return true;
    return typeof a.value === 'string' ? a.value : a.value.value;
  }
  return undefined;
}

/** `content/questions/x.mdx:12`, for messages that point at a line of a page. */
export function location(root: string, fileURL: URL | undefined, node: Readonly<{ position?: { start: { line: number } } }>): string {
  const path = fileURL ? decodeURIComponent(fileURL.pathname) : '(unknown page)';
  const relative = path.startsWith(root) ? path.slice(root.length).replace(/^\/+/, '') : path;
  return `${relative}:${node.position?.start.line ?? '?'}`;
}
