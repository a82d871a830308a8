/**
 * The one reader of `<Snippet file="http/status.ts" region="create" [output] />`.
 * The build's mdast plugin (snippet-plugin.ts) reads each tag it meets with
 * `snippetRef`; the content lint and the demo prefetch find a page's tags
 * with `pageSnippets`, which parses the page with the build's own MDX parser
 * (Sätteri), so a tag inside a code block or an MDX comment is not a tag.
 */
import { type MdastNode, mdxToMdast } from 'satteri';
import { GUIDE } from '../content/content-problem.ts';
import { attribute, type JsxElement } from './mdast.ts';

/** Snippet modules live under this folder; a tag's `file` is relative to it. */
export const SNIPPET_DIR = 'snippets';

/** What one tag asks for. */
export interface SnippetRef {
  /** Relative to SNIPPET_DIR, like `http/status.ts`. */
  file: string;
  region: string;
  /** The tag's line in the page. */
  line: number;
  /** `<Snippet … output />`: the page also shows what the module prints. */
  output: boolean;
}

/**
 * Where the test of a snippet module may live, first the one to suggest.
 * TypeScript: `x.test.ts` beside `x.ts`. Python (pytest's names): `test_x.py`
 * in a `tests/` folder beside the module or beside any package above it, up
 * to SNIPPET_DIR (`snippets/python/tests/test_notes.py` for
 * `snippets/python/notes_api/routers/notes.py`), or `x_test.py` beside it.
 */
export function testPathsFor(path: string): string[] {
  if (path.endsWith('.ts')) return [path.replace(/\.ts$/, '.test.ts')];
  if (!path.endsWith('.py')) return [];
  const parts = path.split('/');
  const name = parts.pop()!.replace(/\.py$/, '');
  const paths: string[] = [];
  for (let depth = parts.length; depth > 0 && parts.slice(0, depth).join('/') !== SNIPPET_DIR; depth--) {
    paths.push([...parts.slice(0, depth), 'tests', `test_${name}.py`].join('/'));
  }
  paths.push([...parts, `${name}_test.py`].join('/'));
  return paths;
}

/** The language a snippet module is highlighted as, from its extension. */
export function snippetLanguage(path: string): 'python' | 'ts' {
  return path.endsWith('.py') ? 'python' : 'ts';
}

/** What one `<Snippet>` element asks for; throws, saying what to write, when it names no file or region. */
export function snippetRef(node: Readonly<JsxElement>): SnippetRef {
  const file = attribute(node, 'file');
  const region = attribute(node, 'region');
  if (typeof file !== 'string' || typeof region !== 'string') {
    throw new Error(
      `<Snippet> needs file="concern/module.ts" (under ${SNIPPET_DIR}/) and region="name", like <Snippet file="http/status.ts" region="create" /> (${GUIDE.snippets})`,
    );
  }
  return { file, region, line: node.position?.start.line ?? 1, output: attribute(node, 'output') !== undefined };
}

/** A page's tags, and what is wrong with those that cannot be read, by line. */
export interface PageSnippets {
  refs: SnippetRef[];
  problems: { line: number; message: string }[];
}

/** Every `<Snippet>` on a page, in order, and what is wrong with those that cannot be read. */
export function pageSnippets(mdx: string): PageSnippets {
  const found: PageSnippets = { refs: [], problems: [] };
  let tree: MdastNode;
  try {
    tree = mdxToMdast(mdx);
  } catch (error) {
    // Sätteri's messages start with the place, "12:3: …".
    const message = (error as Error).message;
    const line = Number(/^(\d+):\d+: /.exec(message)?.[1] ?? 1);
    found.problems.push({ line, message: `is not valid MDX: ${message.replace(/^\d+:\d+: /, '')}. In prose, put {, } and < inside backticks (${GUIDE.body})` });
    return found;
  }
  visit(tree, (node) => {
    if (node.type === 'mdxJsxTextElement') {
      found.problems.push({ line: node.position?.start.line ?? 1, message: `<Snippet> must stand on a line of its own, with a blank line before and after (${GUIDE.snippets})` });
      return;
    }
    try {
      found.refs.push(snippetRef(node));
    } catch (error) {
      found.problems.push({ line: node.position?.start.line ?? 1, message: (error as Error).message });
    }
  });
  return found;
}

function visit(node: MdastNode, onSnippet: (node: JsxElement) => void): void {
  if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'Snippet') onSnippet(node);
  if ('children' in node) for (const child of node.children as MdastNode[]) visit(child, onSnippet);
}
