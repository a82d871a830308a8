import { describe, expect, it } from 'vitest';
import { pageWeight, weigh } from './page-weight.ts';

const PAGE = 'http://localhost/handbook/questions/json/';

function site(files: Record<string, string>) {
  const loaded: string[] = [];
  const load = (path: string) => {
    loaded.push(path);
    const text = files[path];
    if (text === undefined) throw new Error(`no file ${path}`);
    return Buffer.from(text);
  };
  return { load, loaded };
}

describe('pageWeight', () => {
  it('counts stylesheets, module scripts with their static imports, inline scripts and icons', () => {
    const html = [
      '<link rel="stylesheet" href="/handbook/_astro/a.css">',
      '<link rel="icon" href="/handbook/favicon.svg" type="image/svg+xml">',
      '<link rel="canonical" href="http://localhost/handbook/questions/json/">',
      '<script>document.documentElement.classList.add("js")</script>',
      '<script type="application/ld+json">{"@type":"QAPage"}</script>',
      '<script type="module" src="/handbook/_astro/site.js"></script>',
    ].join('\n');
    const files = {
      '/handbook/_astro/a.css': 'body{color:red}',
      '/handbook/favicon.svg': '<svg/>',
      '/handbook/_astro/site.js': 'import{x}from"./shared.js";const l=()=>import("./search.js");',
      '/handbook/_astro/shared.js': 'export const x=1;',
    };
    const { load, loaded } = site(files);
    const size = (path: keyof typeof files) => files[path].length;
    const weight = pageWeight(html, PAGE, load);
    expect(loaded.sort()).toEqual(['/handbook/_astro/a.css', '/handbook/_astro/shared.js', '/handbook/_astro/site.js', '/handbook/favicon.svg']);
    expect(weight.css.raw).toBe(size('/handbook/_astro/a.css'));
    const inline = 'document.documentElement.classList.add("js")'.length;
    const modules = size('/handbook/_astro/site.js') + size('/handbook/_astro/shared.js');
    expect(weight.js.raw).toBe(inline + modules);
    expect(weight.other.raw).toBe(size('/handbook/favicon.svg'));
    // Inline code travels inside the HTML, so the total counts it once.
    expect(weight.total.raw).toBe(html.length + size('/handbook/_astro/a.css') + modules + size('/handbook/favicon.svg'));
  });

  it('loads a module imported from two places once', () => {
    const html = '<script type="module" src="/a.js"></script><link rel="modulepreload" href="/b.js">';
    const { load, loaded } = site({ '/a.js': 'import"./b.js";', '/b.js': 'export{}' });
    pageWeight(html, 'http://localhost/', load);
    expect(loaded).toEqual(['/a.js', '/b.js']);
  });

  it('skips other origins and fails loudly on a missing local file', () => {
    const { load } = site({});
    expect(pageWeight('<link rel="stylesheet" href="https://cdn.example/x.css">', PAGE, load).css.raw).toBe(0);
    expect(() => pageWeight('<script type="module" src="../gone.js"></script>', PAGE, load)).toThrow(
      'no file /handbook/questions/gone.js',
    );
  });

  it('reports gzip and brotli sizes smaller than raw for repetitive text', () => {
    const w = weigh('a'.repeat(1000));
    expect(w.gzip).toBeLessThan(100);
    expect(w.brotli).toBeLessThan(100);
  });
});
