import { describe, expect, it } from 'vitest';
import { mdxText, starlightListPage, toStarlightPage } from './starlight-page.ts';

const ANSWER = `---
id: 32
title: "What is idempotency?"
difficulty: easy
summary: "Doing it twice equals once, as in PUT /orders/{id}."
topics: [http]
related: [59]
---

## Same effect

See [Q59](q:59) and [Q3](q:3), not [Q99](q:99).

<Snippet file="http/set.ts" region="set" output />

Prose.

<Snippet file="http/retry.ts" region="policy" />
`;

const options = {
  slugs: new Map([[59, 'idempotent-post-endpoint'], [3, 'http-methods']]),
  region: (file: string, region: string) => `// ${file}#${region}\nconst s = \`\${1}\`;`,
  output: (file: string) => (file === 'http/set.ts' ? 'PUT -> 2 teas' : undefined),
};

describe('toStarlightPage', () => {
  const page = toStarlightPage(ANSWER, 'content/questions/032-idempotency.mdx', options);

  it('keeps the title and turns the summary into the description and a Short answer section', () => {
    expect(page.title).toBe('What is idempotency?');
    expect(page.body.startsWith('---\ntitle: "What is idempotency?"\ndescription: "Doing it twice equals once, as in PUT /orders/{id}."\n---\n')).toBe(true);
    expect(page.body).toContain('## Short answer\n\nDoing it twice equals once, as in PUT /orders/\\{id\\}.\n\n## Same effect');
    expect(page.body).not.toMatch(/^(id|difficulty|topics|related):/m);
  });

  it('links answered questions relatively and leaves unanswered ones as text', () => {
    expect(page.body).toContain('See [Q59](../idempotent-post-endpoint/) and [Q3](../http-methods/), not Q99.');
  });

  it('replaces each Snippet with its region, and its output when shown and known', () => {
    expect(page.body).toContain('```ts\n// http/set.ts#set\nconst s = `${1}`;\n```\n\n```text\nPUT -> 2 teas\n```\n\nProse.');
    expect(page.body).toContain('```ts\n// http/retry.ts#policy\nconst s = `${1}`;\n```\n');
    expect(page.body).not.toContain('<Snippet');
  });

  it('uses a longer fence when the code holds a run of backticks', () => {
    const fenced = toStarlightPage(ANSWER, 'a.mdx', { ...options, region: () => 'const md = "```";' });
    expect(fenced.body).toContain('````ts\nconst md = "```";\n````');
  });

  it('names the file when the frontmatter lacks a summary', () => {
    expect(() => toStarlightPage('---\ntitle: "x"\n---\nbody', 'content/questions/001-x.mdx', options))
      .toThrow('content/questions/001-x.mdx: frontmatter needs a string title and summary to convert');
  });

  it('names the file when a Snippet lacks its region', () => {
    expect(() => toStarlightPage(`${ANSWER}\n<Snippet file="a.ts" />\n`, 'q.mdx', options)).toThrow(/^q\.mdx: <Snippet file="a\.ts" \/> needs file and region/);
  });
});

describe('starlightListPage', () => {
  it('lists each answer as a link with its escaped description', () => {
    const page = starlightListPage('Easy questions', 'Fundamentals.', [
      { title: 'What is idempotency?', description: 'PUT <b> {id}', href: '../../questions/idempotency/' },
    ]);
    expect(page).toBe('---\ntitle: "Easy questions"\ndescription: "Fundamentals."\n---\n\nFundamentals.\n\n'
      + '- [What is idempotency?](../../questions/idempotency/): PUT \\<b\\> \\{id\\}\n');
  });
});

describe('mdxText', () => {
  it('escapes what MDX would read as code, tags or emphasis', () => {
    expect(mdxText('a_b *c* `d` {e} <f> [g] \\')).toBe('a\\_b \\*c\\* \\`d\\` \\{e\\} \\<f\\> \\[g\\] \\\\');
  });
});
