/** `<Snippet file="…" region="…" />` references in an MDX page, found by pattern. */
export interface SnippetRef {
  file: string;
  region: string;
  line: number;
  /** `<Snippet … output />`: the page also shows what the module prints. */
  output: boolean;
}

const SNIPPET_TAG = /<Snippet\b([^>]*)\/?>/g;

export function snippetRefs(mdx: string): SnippetRef[] {
  const refs: SnippetRef[] = [];
  for (const match of mdx.matchAll(SNIPPET_TAG)) {
    const attrs = match[1]!;
    const file = /\bfile="([^"]+)"/.exec(attrs)?.[1];
    const region = /\bregion="([^"]+)"/.exec(attrs)?.[1];
    const output = /(?:^|\s)output(?:\s|$|=)/.test(attrs);
    if (file && region) refs.push({ file, region, line: mdx.slice(0, match.index).split('\n').length, output });
  }
  return refs;
}
