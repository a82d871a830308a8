/**
 * Code colours as classes instead of style attributes.
 *
 * With two themes, Shiki writes every token as
 * `<span style="--shiki-light:#CF222E;--shiki-dark:#FF7B72">`. A page of code
 * carries hundreds of those attributes, and Chromium cannot share computed
 * style between elements that each have their own inline style, so the first
 * paint waits on style work for every token. The transformer here turns each
 * one into `class="l-cf222e d-ff7b72"`; `src/styles/code-tokens.css`, written
 * by `npm run gen:code-tokens` from the same themes, defines every class.
 *
 * Shiki reads the code with the grammar once per theme: the site's 392
 * TypeScript blocks took 3.5 s with two themes and 2.1 s with one
 * (codeToHtml alone, after a warm-up round, 2026-12-02; every block came
 * out the same, and a cold build's dist/ was byte for byte the same but
 * for the EPUB's date). The two GitHub themes
 * share every scope rule and font style, rule for rule, and each light
 * colour stands for one dark colour. So the build highlights with the
 * light theme alone, and the transformer gives each token the dark colour
 * its light one stands for (darkColours checks that this holds, and throws
 * if a change of themes breaks it): the same markup as two passes, in one.
 */
import type { ShikiTransformer, ThemedToken, ThemeRegistrationResolved } from 'shiki';

/** The two Shiki themes the site uses; astro.config.mjs passes them to Shiki. */
export const CODE_THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;

export type Scheme = keyof typeof CODE_THEMES;

/** What the CSS needs from each theme: its default colours and every token colour. */
export interface Palette {
  fg: string;
  bg: string;
  colors: ReadonlySet<string>;
}

export type Palettes = Record<Scheme, Palette>;

const HEX = /^#[0-9a-f]{3,8}$/;

function hex(value: string, where: string): string {
  const color = value.trim().toLowerCase();
  if (!HEX.test(color)) throw new Error(`${where}: expected a hex colour such as #cf222e; found "${value}"`);
  return color;
}

/** The palette of one resolved Shiki theme. */
export function paletteOf(theme: ThemeRegistrationResolved): Palette {
  const where = `Shiki theme ${theme.name}`;
  const colors = new Set<string>([hex(theme.fg, where)]);
  for (const rule of theme.settings ?? []) {
    if (rule.settings?.foreground) colors.add(hex(rule.settings.foreground, where));
  }
  return { fg: hex(theme.fg, where), bg: hex(theme.bg, where), colors };
}

/** A theme's rules as the transformer compares them: scope and font style, and the two colours. */
const rulesOf = (theme: ThemeRegistrationResolved) => (theme.settings ?? []).map((rule) => {
  const colour = (value: string | undefined) => (value === undefined ? undefined : hex(value, `Shiki theme ${theme.name}`));
  return {
    match: JSON.stringify([rule.scope ?? null, rule.settings?.fontStyle ?? null]),
    colour: colour(rule.settings?.foreground),
    background: colour(rule.settings?.background),
  };
});

/**
 * Each colour of `light` with the colour of `dark` that stands in its
 * place. Throws unless the two themes have the same rules (scope and font
 * style) in the same order, each light colour and background (the
 * defaults included) stands for one dark one, and neither theme replaces
 * colours (colorReplacements): only then does every token get,
 * from the light theme alone, the colours two passes would give it.
 */
export function darkColours(light: ThemeRegistrationResolved, dark: ThemeRegistrationResolved): ReadonlyMap<string, string> {
  const [lightRules, darkRules] = [rulesOf(light), rulesOf(dark)];
  // Not "as GitHub's are": github-light and github-dark do not pair; the -default ones do.
  const cannot = (why: string) => new Error(`${why}, so the dark colours cannot come from the light pass; `
    + 'in CODE_THEMES choose two themes whose rules match, or highlight with a pass per theme: in astro.config.mjs '
    + 'give Shiki `themes: CODE_THEMES, defaultColor: false` in place of `theme`, and tokenClassTransformer no dark colours');
  const unlike = (why: string) => cannot(`code themes ${light.name} and ${dark.name} ${why}`);
  // Shiki writes a replaced colour in place of the rule's, which the pairs below do not follow.
  for (const theme of [light, dark]) {
    const replaced = Object.entries(theme.colorReplacements ?? {});
    if (replaced.length) throw cannot(`code theme ${theme.name} replaces colours (${replaced.map(([from, to]) => `${from} → ${to}`).join(', ')})`);
  }
  // Backgrounds are not drawn, but the tokenizer merges neighbouring tokens
  // only when their backgrounds match too: they must pair up as colours do,
  // or two passes split tokens where the light pass does not.
  const pairs = { colour: new Map([[hex(light.fg, light.name), hex(dark.fg, dark.name)]]), background: new Map([[hex(light.bg, light.name), hex(dark.bg, dark.name)]]) };
  if (lightRules.length !== darkRules.length) throw unlike(`have ${lightRules.length} and ${darkRules.length} rules`);
  lightRules.forEach((rule, i) => {
    const other = darkRules[i]!;
    if (rule.match !== other.match) throw unlike(`differ at rule ${i} (${rule.match} vs ${other.match})`);
    for (const what of ['colour', 'background'] as const) {
      const [mine, theirs] = [rule[what], other[what]];
      if ((mine === undefined) !== (theirs === undefined)) throw unlike(`differ at rule ${i}: one sets a ${what}, the other not`);
      if (mine === undefined) continue;
      const known = pairs[what].get(mine);
      const named = what === 'colour' ? mine : `background ${mine}`;
      if (known !== undefined && known !== theirs) throw unlike(`give light ${named} two dark ${what}s (${known}, ${theirs})`);
      pairs[what].set(mine, theirs!);
    }
  });
  return pairs.colour;
}

/**
 * A token's style from a one-theme (light) pass, `color:#CF222E;font-style:italic`,
 * as the two-theme pass writes it: `--shiki-light:#CF222E;--shiki-dark:#FF7B72;`
 * and each font style once per theme.
 */
export function asBothThemes(style: string, dark: ReadonlyMap<string, string>): string {
  return style.split(';').map((d) => d.trim()).filter(Boolean).map((declaration) => {
    const match = /^([a-z-]+):\s*(.+)$/.exec(declaration);
    if (!match) throw new Error(`code token style "${style}": "${declaration}" is not a declaration`);
    const [, property, value] = match as unknown as [string, string, string];
    if (property !== 'color') return `--shiki-light-${property}:${value};--shiki-dark-${property}:${value}`;
    const colour = hex(value, `code token style "${style}"`);
    const other = dark.get(colour);
    // The map is made from the themes at each build, so regenerating code-tokens.css would not help.
    if (other === undefined) throw new Error(`code token colour ${colour} is no rule's colour in ${CODE_THEMES.light}, so it has no dark colour`);
    return `--shiki-light:${colour};--shiki-dark:${other}`;
  }).join(';');
}

/** Font styles a token can carry, and the class each becomes. */
const FONT_CLASSES: Record<string, string> = {
  'font-style:italic': 'i',
  'font-weight:bold': 'b',
  'text-decoration:underline': 'u',
  'text-decoration:line-through': 's',
};

const className = (scheme: Scheme, color: string) => `${scheme[0]}-${color.slice(1)}`;

/**
 * The classes for one token's Shiki style, e.g.
 * `--shiki-light:#CF222E;--shiki-dark:#FF7B72` → `['l-cf222e', 'd-ff7b72']`.
 * Throws on anything the stylesheet has no class for, so no token can end up
 * uncoloured without the build saying so.
 */
export function tokenClasses(style: string, palettes: Palettes): string[] {
  const classes: string[] = [];
  const fonts: Record<Scheme, string[]> = { light: [], dark: [] };
  for (const declaration of style.split(';').map((d) => d.trim()).filter(Boolean)) {
    const match = /^--shiki-(light|dark)(?:-([a-z-]+))?:\s*(.+)$/.exec(declaration);
    if (!match) throw new Error(`code token style "${style}": "${declaration}" is not a --shiki-light/--shiki-dark declaration`);
    const [, scheme, property, value] = match as unknown as [string, Scheme, string | undefined, string];
    if (property === undefined) {
      const color = hex(value, `code token style "${style}"`);
      if (!palettes[scheme].colors.has(color)) {
        throw new Error(`code token colour ${color} is not in the ${CODE_THEMES[scheme]} palette; run npm run gen:code-tokens after changing themes`);
      }
      classes.push(className(scheme, color));
    } else {
      for (const part of value.split(/\s+/)) {
        const name = FONT_CLASSES[`${property}:${part}`];
        if (!name) throw new Error(`code token style "${style}": no class for ${property}:${part}`);
        fonts[scheme].push(name);
      }
    }
  }
  // One set of font classes serves both schemes, so the themes must agree.
  const [light, dark] = [fonts.light.sort().join(' '), fonts.dark.sort().join(' ')];
  if (light !== dark) {
    throw new Error(`code token style "${style}": the light and dark themes disagree on font style (${light || 'none'} vs ${dark || 'none'})`);
  }
  return [...classes, ...fonts.light];
}

/**
 * A line's tokens with each run of blank tokens joined to the token after
 * it, as Shiki's `mergeWhitespaces` does with a pass per theme. With one
 * theme Shiki sees font styles and keeps an underlined or struck-through
 * blank apart (a struck-through space between two emphases in Markdown); its
 * two-theme tokens carry no font style, so it merges every blank. Run on
 * the one pass's merged tokens, this joins the blanks that pass kept apart.
 */
function mergeBlanksAsTwoPasses(line: ThemedToken[]): ThemedToken[] {
  const merged: ThemedToken[] = [];
  let blanks: ThemedToken[] = [];
  line.forEach((token, i) => {
    if (/^\s+$/.test(token.content) && i + 1 < line.length) {
      blanks.push(token);
      return;
    }
    merged.push(blanks.length ? { ...token, offset: blanks[0]!.offset, content: blanks.map((b) => b.content).join('') + token.content } : token);
    blanks = [];
  });
  return merged;
}

/**
 * A Shiki transformer that moves token and block styles into classes. With
 * `dark` (from darkColours), it takes the light theme's one pass (Shiki's
 * `theme: CODE_THEMES.light`) and writes what a pass per theme would: both
 * colours' classes, blanks merged as two passes merge them, and the
 * block's class naming both themes. It also
 * lifts Shiki's time limit per line (500 ms, after which the rest of the
 * line stays uncoloured): on a busy build machine a first line can take
 * that long while the grammar compiles, and the build (and its highlight
 * cache) must not depend on the machine's load.
 */
export function tokenClassTransformer(palettes: Palettes, dark?: ReadonlyMap<string, string>): ShikiTransformer {
  // `shiki github-light-default` (`astro-code …` in Astro) as two passes name it.
  const onePassClass = new RegExp(`^(\\S+) ${CODE_THEMES.light}(?= |$)`);
  const twoPassClass = `$1 $1-themes ${CODE_THEMES.light} ${CODE_THEMES.dark}`;
  return {
    name: 'handbook:token-classes',
    preprocess(_code, options) {
      options.tokenizeTimeLimit = 0;
      // darkColours pairs the rules' colours. An ansi block's come from the
      // terminal palettes, whose light colours can match a rule's while
      // their dark ones differ: the block would get wrong dark colours.
      if (dark && options.lang === 'ansi') {
        throw new Error('ansi blocks take their colours from each theme\'s terminal palette, not its rules, so the light pass cannot give '
          + 'their dark colours (and code-tokens.css has no class for most of them): show terminal output as text');
      }
    },
    tokens(lines) {
      // Only where Shiki merged blanks (its default), as it would have with two passes.
      if (dark && (this.options.mergeWhitespaces ?? true) === true) return lines.map(mergeBlanksAsTwoPasses);
    },
    pre(node) {
      // The block's colours and scrolling live in code-tokens.css and code.css.
      delete node.properties.style;
      if (dark && typeof node.properties.class === 'string') node.properties.class = node.properties.class.replace(onePassClass, twoPassClass);
    },
    span(node) {
      const style = node.properties.style;
      if (typeof style !== 'string') return;
      delete node.properties.style;
      for (const name of tokenClasses(dark ? asBothThemes(style, dark) : style, palettes)) this.addClassToHast(node, name);
    },
  };
}

/** The stylesheet that defines every class the transformer can write. */
export function codeTokenCss(palettes: Palettes): string {
  const lines = [
    '/* Generated by `npm run gen:code-tokens` from the Shiki themes in src/lib/markdown/code-tokens.ts. Do not edit. */',
    `.astro-code { --shiki-light: ${palettes.light.fg}; --shiki-dark: ${palettes.dark.fg}; --shiki-light-bg: ${palettes.light.bg}; --shiki-dark-bg: ${palettes.dark.bg}; }`,
  ];
  for (const scheme of ['light', 'dark'] as const) {
    for (const color of [...palettes[scheme].colors].sort()) {
      lines.push(`.${className(scheme, color)} { --shiki-${scheme}: ${color}; }`);
    }
  }
  lines.push(
    '.astro-code .i { font-style: italic; }',
    '.astro-code .b { font-weight: bold; }',
    '.astro-code .u { text-decoration: underline; }',
    '.astro-code .s { text-decoration: line-through; }',
  );
  return `${lines.join('\n')}\n`;
}

/** The two themes of CODE_THEMES, resolved by Shiki once per process (the config wants palettes and dark colours). */
let themes: Promise<Record<Scheme, ThemeRegistrationResolved>> | undefined;
const loadThemes = () => (themes ??= resolveThemes());

async function resolveThemes(): Promise<Record<Scheme, ThemeRegistrationResolved>> {
  const { createHighlighter } = await import('shiki');
  const highlighter = await createHighlighter({ themes: Object.values(CODE_THEMES), langs: [] });
  try {
    return { light: highlighter.getTheme(CODE_THEMES.light), dark: highlighter.getTheme(CODE_THEMES.dark) };
  } finally {
    highlighter.dispose();
  }
}

/** Both palettes, read from Shiki's bundled themes. */
export async function loadPalettes(): Promise<Palettes> {
  const { light, dark } = await loadThemes();
  return { light: paletteOf(light), dark: paletteOf(dark) };
}

/** darkColours of CODE_THEMES. */
export async function loadDarkColours(): Promise<ReadonlyMap<string, string>> {
  const { light, dark } = await loadThemes();
  return darkColours(light, dark);
}
