import { renderMermaidSVG } from 'beautiful-mermaid';

/**
 * Renders Mermaid to an inline SVG for the page: beautiful-mermaid lays it
 * out (pure TypeScript, no browser), then this trims it to what a page needs.
 * Its colours become the site's own variables, so the diagram follows the
 * theme with no script; its font is the page's; its ids are made unique per
 * diagram; and it is labelled for assistive technology.
 */
export interface DiagramSvgOptions {
  /** Unique on the page; prefixes every id inside the SVG. */
  id: string;
  /** The accessible name, written into `<title>`. */
  title: string;
  /** Id of the element holding the text description (`aria-describedby`). */
  describedBy: string;
}

/**
 * The renderer's colour roles, mapped to the site's palette. A role missing
 * here fails the build, so a renderer update cannot slip in a colour.
 */
const COLOURS: Record<string, string> = {
  '--_text': '--fg',
  '--_text-sec': '--muted',
  '--_text-muted': '--muted',
  '--_text-faint': '--muted',
  '--_line': '--muted',
  '--_arrow': '--fg',
  '--_node-fill': '--surface',
  '--_node-stroke': '--muted',
  '--_group-fill': '--bg',
  '--_group-hdr': '--surface',
  '--_inner-stroke': '--border',
  '--_key-badge': '--surface',
  '--bg': '--bg',
  '--fg': '--fg',
};

/** Smallest scale the SVG may shrink to on a narrow screen before it scrolls instead. */
const MIN_SCALE = 0.75;

export function renderDiagramSvg(mermaid: string, { id, title, describedBy }: DiagramSvgOptions): string {
  const raw = renderMermaidSVG(mermaid, { transparent: true, padding: 12 });
  const open = /^<svg\b[^>]*>/.exec(raw);
  const box = open && /viewBox="([^"]+)"/.exec(open[0]);
  if (!open || !box) throw new Error('the renderer returned no <svg viewBox>; is the diagram empty?');
  const [, , width, height] = box[1]!.split(/\s+/).map(Number) as [number, number, number, number];

  let body = raw
    .slice(open[0].length)
    .replace(/<style>[\s\S]*?<\/style>/g, '') // theme variables and a web-font @import
    .replace(/\s(?:data-[\w-]+|class)="[^"]*"/g, '')
    // Coordinates to 0.1 px; only in numeric attributes, never in label text.
    .replace(/="([\d.,\s-]+)"/g, (_, v: string) => `="${v.replace(/\d+\.\d+/g, (n) => String(round(Number(n))))}"`)
    .replace(/>\s+</g, '><')
    .replace(/var\((--[\w-]+)\)/g, (_, name: string) => {
      const site = COLOURS[name];
      if (!site) throw new Error(`the renderer used the colour variable ${name}, which has no site colour; add it to COLOURS in src/lib/diagrams/diagram-svg.ts`);
      return `var(${site})`;
    });
  for (const [, local] of body.matchAll(/\sid="([^"]+)"/g)) {
    body = body.replaceAll(`id="${local}"`, `id="${id}-${local}"`).replaceAll(`url(#${local})`, `url(#${id}-${local})`);
  }
  assertThemed(body);
  assertNotesDrawn(mermaid, body);

  const w = round(width);
  const attributes = [
    `viewBox="0 0 ${w} ${round(height)}"`, `width="${w}"`, `height="${round(height)}"`,
    `style="min-width:${round(w * MIN_SCALE)}px"`,
    'role="img"', `aria-labelledby="${id}-title"`, `aria-describedby="${describedBy}"`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" ${attributes.join(' ')}><title id="${id}-title">${escapeXml(title)}</title>${body}`;
}

/** Fails on any paint that is not `none` or one of the site's variables. */
function assertThemed(svg: string): void {
  for (const [, attribute, value] of svg.matchAll(/\s(fill|stroke|color|stop-color|style)="([^"]*)"/g)) {
    if (attribute === 'style' || !(value === 'none' || /^var\(--[\w-]+\)$/.test(value!))) {
      throw new Error(`the rendered SVG has ${attribute}="${value}", a colour that ignores the theme; map it to a site variable in src/lib/diagrams/diagram-svg.ts`);
    }
  }
}

/**
 * beautiful-mermaid leaves out a sequence diagram's `Note` that comes before
 * the first message, without an error; the reader would then miss it.
 */
function assertNotesDrawn(mermaid: string, svg: string): void {
  for (const [, note] of mermaid.matchAll(/^\s*Note\s+(?:over|left of|right of)\s[^:\n]*:\s*(.+?)\s*$/gim)) {
    if (!svg.includes(`>${escapeXml(note!)}</text>`)) {
      throw new Error(`the renderer left out the note "${note}"; a note before a sequence diagram's first message is dropped, so move it after one`);
    }
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
