/**
 * Reads a ```mermaid block from an answer: its text alternative, written
 * with Mermaid's own `accTitle:` and `accDescr { … }` lines (so GitHub's
 * preview uses them too), and the diagram proper. The renderer skips lines
 * it does not understand, so the common typos are caught here, by line.
 */
export interface DiagramSource {
  /** `accTitle:`: the diagram's name and visible caption. */
  title: string;
  /** `accDescr`: the text description, one entry per line (blank lines kept as ''). */
  description: string[];
  /** The Mermaid source without the accessibility lines, for the renderer. */
  body: string;
}

/** A mistake on `line` (1-based, counted from the block's first line). */
export interface DiagramProblem {
  line: number;
  message: string;
}

const TITLE = /^\s*accTitle\s*:\s*(.*)$/;
const DESCRIPTION_LINE = /^\s*accDescr\s*:\s*(.*)$/;
const DESCRIPTION_OPEN = /^\s*accDescr\s*\{\s*(.*)$/;
/** An arrow with nothing after it (`A -->`, `A ->> : hi`). */
const DANGLING_ARROW = /(-->|->>|-->>|->|==>|---|-\.->|--x|--o)\s*(:.*)?$/;
const CLOSERS: Record<string, string> = { '[': ']', '(': ')', '{': '}' };

export function parseDiagramSource(source: string): { diagram?: DiagramSource; problems: DiagramProblem[] } {
  const lines = source.split('\n');
  const problems: DiagramProblem[] = [];
  const body: string[] = [];
  let title: string | undefined;
  let description: string[] | undefined;
  let openedAt = 0;

  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    if (openedAt) {
      const end = line.indexOf('}');
      if (end === -1) {
        description!.push(line.trim());
        continue;
      }
      description!.push(line.slice(0, end).trim());
      openedAt = 0;
      continue;
    }
    const titleMatch = TITLE.exec(line);
    const lineMatch = DESCRIPTION_LINE.exec(line);
    const openMatch = DESCRIPTION_OPEN.exec(line);
    if (titleMatch) title = titleMatch[1]!.trim();
    else if (lineMatch) description = [lineMatch[1]!.trim()];
    else if (openMatch) {
      description = [];
      const rest = openMatch[1]!;
      if (rest.includes('}')) description.push(rest.slice(0, rest.indexOf('}')).trim());
      else {
        description.push(rest.trim());
        openedAt = number;
      }
    } else {
      body.push(line);
      const problem = lintLine(line);
      if (problem) problems.push({ line: number, message: problem });
    }
  }

  if (openedAt) problems.push({ line: openedAt, message: '`accDescr {` is never closed: end the description with a line holding `}`' });
  const text = trimBlank(description ?? []);
  if (!title) problems.push({ line: 1, message: 'the diagram has no title: add a line `accTitle: What the diagram shows`, which becomes its caption' });
  if (text.length === 0) problems.push({ line: 1, message: 'the diagram has no text description: add `accDescr {` … `}` saying in words what the diagram shows, for readers who cannot see it' });
  if (problems.length > 0 || !title) return { problems };
  return { diagram: { title, description: text, body: body.join('\n') }, problems };
}

/** What is wrong with one line of the diagram, if a typo is visible in it. */
function lintLine(line: string): string | undefined {
  const code = line.replace(/%%.*$/, '').trim();
  if (code === '' || code === '}') return undefined;
  const open: string[] = []; // openers not yet closed
  let quoted = false;
  for (const char of code) {
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if (char in CLOSERS) open.push(char);
    else if (char === ']' || char === ')' || char === '}') {
      const opener = open.pop();
      if (opener === undefined || CLOSERS[opener] !== char) return `unbalanced "${char}" in \`${code}\`: close each [ ( { in the same line, in order`;
    }
  }
  if (quoted) return `unclosed quote in \`${code}\`: a label in quotes needs its closing "`;
  // `state Name {` opens a composite state closed by a later `}` line.
  if (open.length > 0 && !/^state\b.*\{$/.test(code)) return `unclosed "${open.at(-1)}" in \`${code}\`: close it in the same line`;
  if (DANGLING_ARROW.test(code)) return `the arrow in \`${code}\` points at nothing: name the target after it, like \`A --> B\``;
  return undefined;
}

function trimBlank(lines: string[]): string[] {
  const start = lines.findIndex((l) => l !== '');
  if (start === -1) return [];
  let end = lines.length;
  while (lines[end - 1] === '') end--;
  return lines.slice(start, end);
}
