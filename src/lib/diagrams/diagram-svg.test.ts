import { describe, expect, it } from 'vitest';
import { escapeXml, renderDiagramSvg } from './diagram-svg.ts';

const options = { id: 'diagram-1', title: 'A <to> B', describedBy: 'diagram-1-text' };
const kinds = {
  flowchart: 'flowchart TD\n  a[Client] -->|POST v1.25| b[(Database)]',
  state: 'stateDiagram-v2\n  [*] --> in_flight: claim\n  in_flight --> completed: commit',
  sequence: 'sequenceDiagram\n  participant S as Sender\n  S->>R: POST\n  R-->>S: 202',
};

describe.each(Object.entries(kinds))('renderDiagramSvg (%s)', (_, source) => {
  const svg = renderDiagramSvg(source, options);

  it('is an SVG image named by its title and described by the given element', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 [\d.]+ [\d.]+" width="[\d.]+" height="[\d.]+" style="min-width:[\d.]+px" role="img" aria-labelledby="diagram-1-title" aria-describedby="diagram-1-text"><title id="diagram-1-title">A &lt;to&gt; B<\/title>/);
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('paints only with the site\'s colour variables', () => {
    const paints = [...svg.matchAll(/\s(?:fill|stroke)="([^"]*)"/g)].map((m) => m[1]);
    expect(paints.length).toBeGreaterThan(0);
    expect(new Set(paints)).toEqual(new Set(paints.filter((p) => p === 'none' || /^var\(--(fg|muted|bg|surface|border)\)$/.test(p!))));
    expect(svg).not.toMatch(/#[0-9a-f]{3,8}\b|rgb\(|<style|@import|data-|class=/i);
  });

  it('prefixes every id with the diagram id, so two diagrams on a page cannot clash', () => {
    const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.every((id) => id!.startsWith('diagram-1-'))).toBe(true);
    for (const [, ref] of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
  });

  it('is the same on every run', () => {
    expect(renderDiagramSvg(source, options)).toBe(svg);
  });
});

describe('renderDiagramSvg', () => {
  it('rounds coordinates but never label text', () => {
    const svg = renderDiagramSvg(kinds.flowchart, options);
    expect(svg).toContain('POST v1.25');
    expect(svg).not.toMatch(/="[^"]*\d\.\d{2,}/);
  });

  it('refuses a note the renderer would leave out, and keeps the ones it draws', () => {
    const notes = (first: string) => `sequenceDiagram\n  participant A\n  participant B\n${first}\n  Note right of B: after & "quoted"`;
    expect(() => renderDiagramSvg(notes('  Note over A,B: first\n  A->>B: hi'), options)).toThrow(
      'the renderer left out the note "first"; a note before a sequence diagram\'s first message is dropped, so move it after one',
    );
    expect(renderDiagramSvg(notes('  A->>B: hi\n  Note over A,B: first'), options)).toContain('>first</text>');
  });

  it('passes on the renderer\'s error for an unknown diagram type', () => {
    expect(() => renderDiagramSvg('pie\n  "a": 1', options)).toThrow(/Invalid mermaid header: "pie"/);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml('a & <b> "c"')).toBe('a &amp; &lt;b&gt; &quot;c&quot;');
  });
});
