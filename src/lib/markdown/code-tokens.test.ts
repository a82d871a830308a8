import { readFileSync } from 'node:fs';
import { codeToHtml, createHighlighter } from 'shiki';
import { describe, expect, it, vi } from 'vitest';
import type { ThemeRegistrationResolved } from 'shiki';
import {
  asBothThemes, CODE_THEMES, codeTokenCss, darkColours, loadDarkColours, loadPalettes, type Palettes, paletteOf, tokenClasses, tokenClassTransformer,
} from './code-tokens.ts';

const palettes: Palettes = {
  light: { fg: '#1f2328', bg: '#ffffff', colors: new Set(['#1f2328', '#cf222e']) },
  dark: { fg: '#e6edf3', bg: '#0d1117', colors: new Set(['#e6edf3', '#ff7b72']) },
};

describe('tokenClasses', () => {
  it('turns both colours into classes, whatever the case of the hex', () => {
    expect(tokenClasses('--shiki-light:#CF222E;--shiki-dark:#FF7B72', palettes)).toEqual(['l-cf222e', 'd-ff7b72']);
  });

  it('adds one class per font style when both themes agree', () => {
    const style = '--shiki-light:#1F2328;--shiki-light-font-weight:bold;--shiki-dark:#E6EDF3;--shiki-dark-font-weight:bold';
    expect(tokenClasses(style, palettes)).toEqual(['l-1f2328', 'd-e6edf3', 'b']);
    const both = '--shiki-light:#1f2328;--shiki-light-font-style:italic;--shiki-light-text-decoration:underline;'
      + '--shiki-dark:#e6edf3;--shiki-dark-font-style:italic;--shiki-dark-text-decoration:underline';
    expect(tokenClasses(both, palettes)).toEqual(['l-1f2328', 'd-e6edf3', 'i', 'u']);
  });

  it('fails on a colour the stylesheet has no class for, and says how to regenerate it', () => {
    expect(() => tokenClasses('--shiki-light:#123456;--shiki-dark:#ff7b72', palettes))
      .toThrow('code token colour #123456 is not in the github-light-default palette; run npm run gen:code-tokens');
  });

  it('fails on declarations it does not know', () => {
    expect(() => tokenClasses('color:red', palettes)).toThrow('"color:red" is not a --shiki-light/--shiki-dark declaration');
    expect(() => tokenClasses('--shiki-light:#1f2328;--shiki-light-bg:#ffffff', palettes)).toThrow('no class for bg:#ffffff');
    expect(() => tokenClasses('--shiki-light:red', palettes)).toThrow('expected a hex colour such as #cf222e; found "red"');
    expect(() => tokenClasses('--shiki-light:#1f2328;--shiki-light-font-weight:300', palettes)).toThrow('no class for font-weight:300');
  });

  it('fails when the themes disagree on font style, which one class cannot express', () => {
    expect(() => tokenClasses('--shiki-light:#1f2328;--shiki-light-font-style:italic;--shiki-dark:#e6edf3', palettes))
      .toThrow('the light and dark themes disagree on font style (i vs none)');
  });
});

describe('codeTokenCss', () => {
  it('defines the block colours and one rule per palette colour', () => {
    const css = codeTokenCss(palettes);
    expect(css).toContain('.astro-code { --shiki-light: #1f2328; --shiki-dark: #e6edf3; --shiki-light-bg: #ffffff; --shiki-dark-bg: #0d1117; }');
    expect(css).toContain('.l-cf222e { --shiki-light: #cf222e; }');
    expect(css).toContain('.d-ff7b72 { --shiki-dark: #ff7b72; }');
    expect(css.match(/^\.[ld]-/gm)).toHaveLength(4);
  });

  it('matches src/styles/code-tokens.css (run npm run gen:code-tokens if not)', async () => {
    const committed = readFileSync(new URL('../../styles/code-tokens.css', import.meta.url), 'utf8');
    expect(committed, 'src/styles/code-tokens.css is out of date: run npm run gen:code-tokens').toBe(codeTokenCss(await loadPalettes()));
  });
});

describe('paletteOf', () => {
  it('collects the default and every token foreground, lower-cased', () => {
    const palette = paletteOf({
      name: 'test', type: 'light', fg: '#24292E', bg: '#FFFFFF',
      settings: [{ settings: { foreground: '#24292e' } }, { scope: 'keyword', settings: { foreground: '#D73A49', fontStyle: 'bold' } }],
    });
    expect(palette).toEqual({ fg: '#24292e', bg: '#ffffff', colors: new Set(['#24292e', '#d73a49']) });
  });
});

describe('tokenClassTransformer', () => {
  it('leaves highlighted code with classes and no style attribute', async () => {
    const real = await loadPalettes();
    const html = await codeToHtml('const answer: number = 42; // why', {
      lang: 'ts', themes: CODE_THEMES, defaultColor: false, transformers: [tokenClassTransformer(real)],
    });
    expect(html).not.toContain('style=');
    expect(html).toMatch(/<span class="l-cf222e d-ff7b72">const<\/span>/);
    // Every class the transformer wrote has a rule in the stylesheet.
    const css = codeTokenCss(real);
    for (const name of new Set(html.match(/\b[ld]-[0-9a-f]{6}\b/g))) expect(css).toContain(`.${name} {`);
  });

  it('colours a whole line however slowly it tokenizes (no time limit per line)', async () => {
    const real = await loadPalettes();
    let clock = 0;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => (clock += 1_000));
    try {
      const html = await codeToHtml('const a = 1; const b = 2; const c = 3;', {
        lang: 'ts', themes: CODE_THEMES, defaultColor: false, transformers: [tokenClassTransformer(real)],
      });
      expect(html.match(/<span class="l-cf222e d-ff7b72">const<\/span>/g)).toHaveLength(3);
    } finally {
      now.mockRestore();
    }
  });
});

/** A theme with `rules` as [scope, foreground, fontStyle?]. */
const theme = (name: string, fg: string, rules: [string, string, string?][]): ThemeRegistrationResolved => ({
  name, type: 'light', fg, bg: '#ffffff',
  settings: rules.map(([scope, foreground, fontStyle]) => ({ scope, settings: { foreground, ...(fontStyle ? { fontStyle } : {}) } })),
});

describe('darkColours', () => {
  it('pairs each light colour of CODE_THEMES with one dark colour, the defaults included', async () => {
    const dark = await loadDarkColours();
    expect(dark.get('#1f2328')).toBe('#e6edf3');
    expect(dark.get('#cf222e')).toBe('#ff7b72');
  });

  it('refuses themes whose rules differ, or whose light colour stands for two dark ones', () => {
    const light = theme('l', '#000000', [['keyword', '#aa0000'], ['string', '#00aa00']]);
    expect(() => darkColours(light, theme('d', '#ffffff', [['string', '#ff0000'], ['keyword', '#00ff00']])))
      .toThrow('code themes l and d differ at rule 0');
    expect(() => darkColours(light, theme('d', '#ffffff', [['keyword', '#ff0000']]))).toThrow('have 2 and 1 rules');
    expect(() => darkColours(light, theme('d', '#ffffff', [['keyword', '#ff0000', 'italic'], ['string', '#00ff00']])))
      .toThrow('differ at rule 0');
    const shared = theme('l', '#000000', [['keyword', '#aa0000'], ['string', '#aa0000']]);
    expect(() => darkColours(shared, theme('d', '#ffffff', [['keyword', '#ff0000'], ['string', '#00ff00']])))
      .toThrow('give light #aa0000 two dark colours (#ff0000, #00ff00), so the dark colours cannot come from the light pass');
  });

  it('refuses themes whose light background stands for two dark ones, which split tokens differently', () => {
    // The tokenizer merges neighbours only when colour, font style and background all match: with
    // light backgrounds alike and dark ones not, two passes split `+new` in a diff where one pass does not.
    const withBackgrounds = (name: string, backgrounds: string[]): ThemeRegistrationResolved => ({
      name, type: 'light', fg: '#000000', bg: '#ffffff',
      settings: ['punctuation.definition.inserted', 'markup.inserted'].map((scope, i) => ({ scope, settings: { foreground: '#116329', background: backgrounds[i] } })),
    });
    expect(() => darkColours(withBackgrounds('l', ['#dafbe1', '#dafbe1']), withBackgrounds('d', ['#04260f', '#05360f'])))
      .toThrow('code themes l and d give light background #dafbe1 two dark backgrounds (#04260f, #05360f)');
    expect(() => darkColours(withBackgrounds('l', ['#dafbe1', '#dafbe1']), withBackgrounds('d', ['#04260f', undefined!])))
      .toThrow('differ at rule 1: one sets a background, the other not');
    expect(() => darkColours(withBackgrounds('l', ['#dafbe1', '#ffebe9']), withBackgrounds('d', ['#04260f', '#490202']))).not.toThrow();
  });

  it('tells a contributor who picks two unrelated themes how to keep them', async () => {
    const highlighter = await createHighlighter({ themes: ['github-light', 'one-dark-pro'], langs: [] });
    try {
      const unrelated = () => darkColours(highlighter.getTheme('github-light'), highlighter.getTheme('one-dark-pro'));
      expect(unrelated).toThrow(/^code themes github-light and one-dark-pro have \d+ and \d+ rules, so the dark colours cannot come from the light pass; /);
      expect(unrelated).toThrow('; in CODE_THEMES choose two themes whose rules match, or highlight with a pass per theme: in astro.config.mjs '
        + 'give Shiki `themes: CODE_THEMES, defaultColor: false` in place of `theme`, and tokenClassTransformer no dark colours');
    } finally {
      highlighter.dispose();
    }
  });

  it('refuses a theme that replaces colours, whose tokens then wear colours its rules do not pair', () => {
    // Keywords would be light #00aa00 and dark #ff0000 with two passes; the map pairs #00aa00 with #00ff00.
    const light = { ...theme('l', '#000000', [['keyword', '#aa0000'], ['string', '#00aa00']]), colorReplacements: { '#aa0000': '#00aa00' } };
    const dark = theme('d', '#ffffff', [['keyword', '#ff0000'], ['string', '#00ff00']]);
    expect(() => darkColours(light, dark)).toThrow('code theme l replaces colours (#aa0000 → #00aa00)');
    expect(() => darkColours(dark, { ...light, name: 'l2', colorReplacements: {} })).not.toThrow();
  });
});

describe('asBothThemes', () => {
  const dark = new Map([['#cf222e', '#ff7b72']]);
  it('writes a one-theme style as the two-theme pass does', () => {
    expect(asBothThemes('color:#CF222E;font-style:italic', dark))
      .toBe('--shiki-light:#cf222e;--shiki-dark:#ff7b72;--shiki-light-font-style:italic;--shiki-dark-font-style:italic');
  });
  it('fails on a colour it has no dark colour for', () => {
    // Not a stale stylesheet: the colour comes from no rule of the light theme, and gen:code-tokens would not help.
    expect(() => asBothThemes('color:#123456', dark))
      .toThrow(/^code token colour #123456 is no rule's colour in github-light-default, so it has no dark colour$/);
  });
});

describe('tokenClassTransformer, one light pass', () => {
  /** `code` highlighted with a pass per theme, and with the light pass alone. */
  const bothWays = async (code: string, lang: string) => {
    const [real, dark] = [await loadPalettes(), await loadDarkColours()];
    return {
      twoPasses: await codeToHtml(code, { lang, themes: CODE_THEMES, defaultColor: false, transformers: [tokenClassTransformer(real)] }),
      onePass: await codeToHtml(code, { lang, theme: CODE_THEMES.light, transformers: [tokenClassTransformer(real, dark)] }),
    };
  };

  it('writes the same markup as a pass per theme', async () => {
    const { onePass, twoPasses } = await bothWays(readFileSync(new URL('./code-tokens.ts', import.meta.url), 'utf8'), 'ts');
    expect(onePass).toBe(twoPasses);
    expect(onePass).toContain('<pre class="shiki shiki-themes github-light-default github-dark-default"');
  });

  it('merges whitespace into the next token as two passes do, underlined or struck through', async () => {
    // The space between the emphases is struck through: alone, one pass keeps it apart.
    const { onePass, twoPasses } = await bothWays('~~*a* *b*~~ and <https://a.b> ~~c~~\n', 'markdown');
    expect(twoPasses).toContain('<span class="l-1f2328 d-e6edf3 i"> *b*</span>');
    expect(onePass).toBe(twoPasses);
  });

  it('refuses ansi, whose colours come from the terminal palettes rather than the rules', async () => {
    // Green is #116329 in the light palette, as is a rule's colour whose dark
    // one (#7ee787) is not the dark palette's green (#3fb950).
    const [real, dark] = [await loadPalettes(), await loadDarkColours()];
    await expect(codeToHtml('\u001b[32mok\u001b[0m', { lang: 'ansi', theme: CODE_THEMES.light, transformers: [tokenClassTransformer(real, dark)] }))
      .rejects.toThrow('ansi blocks take their colours from each theme\'s terminal palette');
  });
});
