import { describe, expect, it } from 'vitest';
import { cleanForEpub, lightPalette } from './epub-clean.ts';
import { parseFragment } from 'parse5';
import { toXhtml } from './xhtml.ts';

describe('lightPalette', () => {
  it('takes the light colour of each light-dark() variable, the first declaration winning', () => {
    const css = ':root { --bg: light-dark(#ffffff, #0f1318); --fg: light-dark( #1c2127 , #e3e8ee); --mono: ui-monospace; }\n.x { --bg: light-dark(#000, #fff); }';
    expect(lightPalette(css)).toEqual(new Map([['--bg', '#ffffff'], ['--fg', '#1c2127']]));
  });
});

describe('cleanForEpub', () => {
  const clean = (html: string): string => {
    const root = parseFragment(html);
    cleanForEpub(root, new Map([['--fg', '#1c2127']]));
    return toXhtml(root.childNodes);
  };

  it('fits an SVG to the page (no min-width) and paints it with the palette', () => {
    expect(clean('<svg class="x" style="min-width:9px" fill="var(--fg)"><title>T</title></svg>'))
      .toBe('<svg xmlns="http://www.w3.org/2000/svg" class="x" fill="#1c2127"><title>T</title></svg>');
  });

  it('drops an element\'s class attribute when only dark token colours were in it', () => {
    expect(clean('<span class="d-ff7b72">x</span><span class="l-cf222e d-ff7b72">y</span>')).toBe('<span>x</span><span class="l-cf222e">y</span>');
  });

  it('leaves out noscript, forms and inputs as well as scripts and buttons', () => {
    expect(clean('<p>a<noscript>n</noscript><input type="checkbox"><select><option>o</option></select></p><form><p>f</p></form>')).toBe('<p>a</p>');
  });
});
