import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { MdastNode, MdxJsxFlowElement } from 'satteri';
import { DeferredDemos } from '../demos/deferred-demos.ts';
import type { RunnableDemo } from '../runnable/run-manifest.ts';
import type { JsxElement, VisitorContext } from './mdast.ts';
import { snippetPlugin } from './snippet-plugin.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'snippets-'));
  mkdirSync(join(root, 'snippets/http'), { recursive: true });
  writeFileSync(join(root, 'snippets/http/ok.ts'), "// #region greet\nexport const hi = 'hi';\n// #endregion greet\n");
  mkdirSync(join(root, 'snippets/python'), { recursive: true });
  writeFileSync(join(root, 'snippets/python/ok.py'), "import os\n# region greet\nHI = 'hi'\n# endregion greet\n");
});

function snippet(attrs: Record<string, string | null>, name = 'Snippet'): MdxJsxFlowElement {
  const at = { line: 12, column: 1 };
  return {
    type: 'mdxJsxFlowElement',
    name,
    position: { start: at, end: at },
    attributes: Object.entries(attrs).map(([n, value]) => ({ type: 'mdxJsxAttribute', name: n, value })),
    children: [],
  };
}

const RUNNABLE: RunnableDemo = { runnable: true, main: 'abc.js', scripts: ['p.js', 'd.js'], source: 'abc.ts.txt' };

async function expand(
  node: MdxJsxFlowElement,
  run = async () => 'demo output',
  deferred?: DeferredDemos,
  runnable = async (): Promise<RunnableDemo> => RUNNABLE,
): Promise<MdastNode[] | undefined> {
  let result: MdastNode[] | undefined;
  const ctx = {
    fileURL: new URL(`file://${root}/content/questions/004-a.mdx`),
    replaceNode: vi.fn((_, replacement) => void (result = [replacement].flat() as MdastNode[])),
    setProperty: vi.fn(),
  } satisfies VisitorContext;
  await snippetPlugin({ root, sourceUrl: 'https://example.com/blob/main/', run, deferred, runnable }).mdxJsxFlowElement(node, ctx);
  return result;
}

describe('snippetPlugin', () => {
  it('replaces <Snippet> with a captioned code block linking to the source lines', async () => {
    const [figure] = (await expand(snippet({ file: 'http/ok.ts', region: 'greet' })))! as JsxElement[];
    expect(figure!.name).toBe('figure');
    expect(figure!.children[1]).toEqual({ type: 'code', lang: 'ts', meta: null, value: "export const hi = 'hi';" });
    const link = (figure!.children[0] as JsxElement).children[0] as JsxElement;
    expect(link.attributes).toContainEqual({ type: 'mdxJsxAttribute', name: 'href', value: 'https://example.com/blob/main/snippets/http/ok.ts#L2-L2' });
  });

  it('shows a region of a Python module, highlighted as python', async () => {
    const [figure] = (await expand(snippet({ file: 'python/ok.py', region: 'greet' })))! as JsxElement[];
    expect(figure!.children[1]).toEqual({ type: 'code', lang: 'python', meta: null, value: "HI = 'hi'" });
    const link = (figure!.children[0] as JsxElement).children[0] as JsxElement;
    expect(link.attributes).toContainEqual({ type: 'mdxJsxAttribute', name: 'href', value: 'https://example.com/blob/main/snippets/python/ok.py#L3-L3' });
  });

  it('adds the module output when asked', async () => {
    const nodes = (await expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null })))!;
    expect(nodes).toHaveLength(2);
    expect((nodes[1] as JsxElement).children[1]).toMatchObject({ type: 'code', lang: 'text', value: 'demo output' });
  });

  const caption = (nodes: MdastNode[]) => ((nodes[1] as JsxElement).children[0] as JsxElement).children as JsxElement[];
  const attrs = (node: JsxElement) => Object.fromEntries(node.attributes.map((a) => [(a as { name: string }).name, (a as { value: unknown }).value]));

  it('puts Run and Edit buttons beside output that runs in the browser', async () => {
    const pglite = async (): Promise<RunnableDemo> => ({ ...RUNNABLE, pglite: 'c.tar.gz' });
    const [, , run, edit] = caption((await expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null }), undefined, undefined, pglite))!);
    expect([run!.name, edit!.name]).toEqual(['button', 'button']);
    expect(attrs(run!)).toMatchObject({ 'data-run': 'abc.js', 'data-scripts': 'p.js d.js', 'data-source': 'abc.ts.txt', 'data-pglite': 'c.tar.gz', 'aria-label': 'Run snippets/http/ok.ts in your browser' });
    expect(edit!.children).toEqual([{ type: 'text', value: 'Edit' }]);
    expect(attrs(edit!)).toMatchObject({ 'data-edit': 'snippets/http/ok.ts', 'aria-expanded': 'false', 'aria-label': 'Edit snippets/http/ok.ts and run it' });
  });

  it('says why a demo runs only in Node, with a button that copies the command', async () => {
    const nodeOnly = async (): Promise<RunnableDemo> => ({ runnable: false, reason: 'needs git' });
    const [, , note, copy] = caption((await expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null }), undefined, undefined, nodeOnly))!);
    expect(note!.children).toEqual([{ type: 'text', value: 'Runs in Node only: needs git.' }]);
    expect(attrs(copy!)).toMatchObject({ 'data-copy': 'node snippets/http/ok.ts' });
  });

  it('leaves other elements alone', async () => {
    expect(await expand(snippet({ file: 'x' }, 'Figure'))).toBeUndefined();
  });

  it('names the page, line, snippet and region when the region is missing', async () => {
    await expect(expand(snippet({ file: 'http/ok.ts', region: 'nope' }))).rejects.toThrow(
      'content/questions/004-a.mdx:12: <Snippet file="http/ok.ts" region="nope">: snippets/http/ok.ts: no region "nope" (regions in that file: greet)',
    );
  });

  it('names the page and the path when the file is missing', async () => {
    await expect(expand(snippet({ file: 'http/gone.ts', region: 'x' }))).rejects.toThrow(
      'content/questions/004-a.mdx:12: <Snippet file="http/gone.ts"> points at snippets/http/gone.ts, which does not exist',
    );
  });

  it('requires both attributes', async () => {
    await expect(expand(snippet({ file: 'http/ok.ts' }))).rejects.toThrow(/004-a.mdx:12: <Snippet> needs file=.* and region="name"/);
  });

  it('fails when the demo fails', async () => {
    const failing = async () => {
      throw new Error('running "node x" exited with code 1');
    };
    await expect(expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null }), failing)).rejects.toThrow(
      /004-a.mdx:12: <Snippet file="http\/ok.ts" output>: running "node x" exited with code 1/,
    );
  });

  describe('in astro build, with demos deferred', () => {
    const active = () => Object.assign(new DeferredDemos(), { active: true });

    it('puts a placeholder where the output goes, without waiting for the demo', async () => {
      const deferred = active();
      const nodes = (await expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null }), () => new Promise(() => {}), deferred))!;
      expect((nodes[1] as JsxElement).children[1]).toEqual({ type: 'code', lang: 'text', meta: null, value: '@@demo-output snippets/http/ok.ts@@' });
      expect(deferred.size).toBe(1);
    });

    it('waits as before when the build has not turned deferring on', async () => {
      const nodes = (await expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null }), undefined, new DeferredDemos()))!;
      expect((nodes[1] as JsxElement).children[1]).toMatchObject({ value: 'demo output' });
    });

    it('fails the build with the same message when the demo fails', async () => {
      const deferred = active();
      const failing = async () => {
        throw new Error(`running "node ${root}/snippets/http/ok.ts" exited with code 1`);
      };
      await expand(snippet({ file: 'http/ok.ts', region: 'greet', output: null }), failing, deferred);
      await expect(deferred.outcomes()).resolves.toMatchObject({
        failures: ['content/questions/004-a.mdx:12: <Snippet file="http/ok.ts" output>: running "node snippets/http/ok.ts" exited with code 1'],
      });
    });
  });
});
