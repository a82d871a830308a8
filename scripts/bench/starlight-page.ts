/**
 * Turns one of our answers (`content/questions/NNN-slug.mdx`) into a page
 * for a stock Starlight site with the same text, so the benchmark compares
 * the two sites on equal content:
 * - frontmatter becomes `title` and `description` (our `summary`);
 * - the summary also opens the body as "Short answer", as our page shows it;
 * - `<Snippet file region />` becomes a fenced ts block of that region, and
 *   with `output` a fenced text block of the demo's output when known;
 * - `[Q59](q:59)` becomes a relative link, or plain text when Q59 has no page.
 */
import { parse } from 'yaml';

export interface ConvertOptions {
  /** Slugs of answered questions by id. */
  slugs: ReadonlyMap<number, string>;
  /** The code of a region of a module under snippets/. */
  region: (file: string, region: string) => string;
  /** What the module printed, or undefined when it is not known. */
  output: (file: string) => string | undefined;
}

export interface StarlightPage {
  title: string;
  body: string;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;
const SNIPPET = /^[ \t]*<Snippet\b([^>]*?)\/>[ \t]*$/gm;
const Q_LINK = /\[([^\]]+)\]\(q:(\d+)\)/g;

/** The Starlight MDX for one answer; `path` names the file in errors. */
export function toStarlightPage(mdx: string, path: string, options: ConvertOptions): StarlightPage {
  const block = FRONTMATTER.exec(mdx);
  if (!block) throw new Error(`${path}: has no frontmatter block to convert`);
  const data = parse(block[1]!) as { title?: unknown; summary?: unknown };
  if (typeof data.title !== 'string' || typeof data.summary !== 'string') {
    throw new Error(`${path}: frontmatter needs a string title and summary to convert`);
  }
  const body = mdx
    .slice(block[0].length)
    .replace(SNIPPET, (_, attrs: string) => snippetBlocks(attrs, path, options))
    .replace(Q_LINK, (_, label: string, id: string) => {
      const slug = options.slugs.get(Number(id));
      return slug ? `[${label}](../${slug}/)` : label;
    });
  const frontmatter = `---\ntitle: ${JSON.stringify(data.title)}\ndescription: ${JSON.stringify(data.summary)}\n---\n`;
  return { title: data.title, body: `${frontmatter}\n## Short answer\n\n${mdxText(data.summary)}\n\n${body.trimStart()}` };
}

function snippetBlocks(attrs: string, path: string, { region, output }: ConvertOptions): string {
  const file = /\bfile="([^"]+)"/.exec(attrs)?.[1];
  const name = /\bregion="([^"]+)"/.exec(attrs)?.[1];
  if (!file || !name) throw new Error(`${path}: <Snippet${attrs}/> needs file and region`);
  const blocks = [fence('ts', region(file, name))];
  const printed = /(?:^|\s)output(?:\s|$)/.test(attrs) ? output(file) : undefined;
  if (printed !== undefined) blocks.push(fence('text', printed));
  return blocks.join('\n\n');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(lang: string, code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${code}\n${ticks}`;
}

export interface ListedPage {
  title: string;
  description: string;
  /** Link relative to the list page. */
  href: string;
}

/** A home or difficulty page: a heading, a lede, and one linked item per answer. */
export function starlightListPage(title: string, lede: string, pages: readonly ListedPage[]): string {
  const items = pages.map((p) => `- [${mdxText(p.title)}](${p.href}): ${mdxText(p.description)}`);
  return `---\ntitle: ${JSON.stringify(title)}\ndescription: ${JSON.stringify(lede)}\n---\n\n${mdxText(lede)}\n\n${items.join('\n')}\n`;
}

/** Plain text as MDX prose: braces and tags would be code, `*` `_` emphasis. */
export function mdxText(text: string): string {
  return text.replace(/[\\`*_{}[\]<>]/g, '\\$&');
}
