/**
 * In `astro build` a page does not wait for its demos: the snippet plugin
 * puts a placeholder where a demo's output goes, and once every page is
 * written the build swaps each placeholder for the output
 * (demo-output-integration.ts), so demos run while pages render. This file
 * is the placeholder and the swap; the output ends up exactly as Shiki and
 * Astro render a `text` code block of it, so the pages do not change.
 */

/**
 * The text that stands in a `text` code block for the output of the demo
 * at `path` (like `snippets/http/status.ts`). Shiki renders it as one line,
 * and the path as it is: it may hold no character HTML escapes.
 */
export function demoPlaceholder(path: string): string {
  if (!/^[^\s&<>'"@]+$/.test(path)) {
    throw new Error(`demo placeholder: "${path}" is not a path it can name; rename the demo without spaces, &, <, >, quotes or @`);
  }
  return `@@demo-output ${path}@@`;
}

/**
 * A placeholder as Shiki and Astro render it: the whole content of a code
 * element. Text that merely looks like a placeholder elsewhere (in prose, in
 * inline code, beside other lines) is not one and is left alone.
 */
const RENDERED_PLACEHOLDER = /<code><span class="line"><span>@@demo-output ([^<]+?)@@<\/span><\/span><\/code>/g;

/** What Astro escapes in text it renders, and how (its escapeHTML). */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&quot;' };
const escapeHtml = (text: string) => text.replace(/[&<>'"]/g, (c) => ESCAPES[c]!);

/**
 * The content of the code element Shiki makes of `output` in a `text`
 * block: one `line` span per line (split as Shiki splits them), each
 * holding one token, an empty one for a blank line.
 */
export function outputLinesHtml(output: string): string {
  return output
    .split(/\r?\n/)
    .map((line) => `<span class="line"><span>${escapeHtml(line)}</span></span>`)
    .join('\n');
}

/** Placeholder text anywhere, rendered or not. */
const ANY_PLACEHOLDER = /@@demo-output ([^\s<@]+)@@/g;

export interface FilledPage {
  html: string;
  /** The paths of the outputs put in, one per placeholder, in page order. */
  filled: string[];
  /** Paths named by placeholders that `outputs` has no output for, in page order. */
  missing: string[];
  /**
   * Paths in `outputs` whose placeholder text is on the page but not as a
   * whole code block, so was not filled: the page renders it in a way this
   * file does not expect (a Shiki or Astro change?), or quotes it.
   */
  stray: string[];
}

/**
 * `html` with every placeholder replaced by its demo's output, in one pass:
 * an output that itself contains placeholder-like text is not replaced
 * again. `outputs` maps a demo's path to its output.
 */
export function fillDemoOutputs(html: string, outputs: ReadonlyMap<string, string>): FilledPage {
  const filled: string[] = [];
  const missing: string[] = [];
  const result = html.replace(RENDERED_PLACEHOLDER, (placeholder, path: string) => {
    const output = outputs.get(path);
    if (output === undefined) {
      missing.push(path);
      return placeholder;
    }
    filled.push(path);
    return `<code>${outputLinesHtml(output)}</code>`;
  });
  const rest = html.replace(RENDERED_PLACEHOLDER, '');
  const stray = [...rest.matchAll(ANY_PLACEHOLDER)].map((m) => m[1]!).filter((path) => outputs.has(path));
  return { html: result, filled, missing, stray };
}
