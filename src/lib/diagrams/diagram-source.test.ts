import { describe, expect, it } from 'vitest';
import { parseDiagramSource } from './diagram-source.ts';

const ALT = 'accTitle: Key states\naccDescr {\n  First line.\n\n  - an item\n}';

describe('parseDiagramSource', () => {
  it('takes the title and description out of the body', () => {
    const { diagram, problems } = parseDiagramSource(`stateDiagram-v2\n${ALT}\n[*] --> a`);
    expect(problems).toEqual([]);
    expect(diagram).toEqual({ title: 'Key states', description: ['First line.', '', '- an item'], body: 'stateDiagram-v2\n[*] --> a' });
  });

  it('accepts a one-line accDescr', () => {
    const { diagram } = parseDiagramSource('graph TD\naccTitle: T\naccDescr: A goes to B.\nA --> B');
    expect(diagram?.description).toEqual(['A goes to B.']);
  });

  it('reports a missing title and description, each saying what to add', () => {
    const { diagram, problems } = parseDiagramSource('graph TD\nA --> B');
    expect(diagram).toBeUndefined();
    expect(problems).toEqual([
      { line: 1, message: 'the diagram has no title: add a line `accTitle: What the diagram shows`, which becomes its caption' },
      { line: 1, message: 'the diagram has no text description: add `accDescr {` … `}` saying in words what the diagram shows, for readers who cannot see it' },
    ]);
  });

  it('reports an accDescr block that is never closed', () => {
    const { problems } = parseDiagramSource('graph TD\naccTitle: T\naccDescr {\n  words\nA --> B');
    expect(problems).toContainEqual({ line: 3, message: '`accDescr {` is never closed: end the description with a line holding `}`' });
  });

  it.each([
    ['A --> ', 'the arrow in `A -->` points at nothing: name the target after it, like `A --> B`'],
    ['A->>: hi', 'the arrow in `A->>: hi` points at nothing: name the target after it, like `A --> B`'],
    ['A[oops --> B', 'unclosed "[" in `A[oops --> B`: close it in the same line'],
    ['A[a) --> B', 'unbalanced ")" in `A[a) --> B`: close each [ ( { in the same line, in order'],
    ['A["x] --> B', 'unclosed quote in `A["x] --> B`: a label in quotes needs its closing "'],
  ])('reports the typo in %j with its line', (line, message) => {
    const { diagram, problems } = parseDiagramSource(`graph TD\n${ALT}\nA --> B\n${line}`);
    expect(diagram).toBeUndefined();
    expect(problems).toEqual([{ line: 9, message }]);
  });

  it('accepts composite states, comments and labels with brackets', () => {
    const source = `stateDiagram-v2\n${ALT}\nstate Busy {\n  a --> b: claim (INSERT)\n}\n%% a comment -->\n[*] --> Busy`;
    expect(parseDiagramSource(source).problems).toEqual([]);
  });
});
