/**
 * What the in-page code editor (src/scripts/run-edit.ts) does with a key,
 * as pure functions over a textarea's text and selection, so the rules are
 * tested without a browser. An edit is a replacement of one range plus the
 * selection after it; the page applies it with the browser's own text
 * insertion, so the reader's undo history keeps it.
 */

/** One level of indentation: two spaces, as every snippet module is written. */
export const INDENT = '  ';

/** A textarea's text and its selection (`start` <= `end`; equal for a caret). */
export interface TextState {
  text: string;
  start: number;
  end: number;
}

/** Replace `text.slice(from, to)` with `insert`, then select `start`..`end` of the new text. */
export interface Edit {
  from: number;
  to: number;
  insert: string;
  start: number;
  end: number;
}

/** A key as the editor sees it (a KeyboardEvent has these fields). */
export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** What a key does in the editor; undefined leaves it to the browser. */
export type KeyAction = 'indent' | 'outdent' | 'newline' | 'run' | 'escape' | undefined;

/**
 * After Escape, Tab is left to the browser (it moves focus on), so the
 * editor is no keyboard trap (WCAG 2.1.2); `escaped` says whether Escape
 * was the last key pressed, modifiers aside (escapedAfter).
 */
export function keyAction(press: KeyPress, escaped: boolean): KeyAction {
  const { key, shiftKey, ctrlKey, metaKey, altKey } = press;
  if (key === 'Escape') return 'escape';
  if (key === 'Enter' && (ctrlKey || metaKey) && !altKey) return 'run';
  if (ctrlKey || metaKey || altKey) return undefined;
  if (key === 'Tab') return escaped ? undefined : shiftKey ? 'outdent' : 'indent';
  if (key === 'Enter' && !shiftKey) return 'newline';
  return undefined;
}

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta']);

/** Whether Escape was the last key after `press`: holding Shift for Shift+Tab keeps it so. */
export const escapedAfter = (press: KeyPress, escaped: boolean): boolean =>
  press.key === 'Escape' || (escaped && MODIFIERS.has(press.key));

/** The index where the line holding `index` starts. */
const lineStart = (text: string, index: number) => text.lastIndexOf('\n', index - 1) + 1;

/** The whole lines a selection touches; one ending at a line's start leaves that line out. */
function touchedLines({ text, start, end }: TextState): { from: number; to: number } {
  const last = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const lineEnd = text.indexOf('\n', last);
  return { from: lineStart(text, start), to: lineEnd === -1 ? text.length : lineEnd };
}

/** Tab: two spaces at the caret (replacing a selection within one line), or before every line a multi-line selection touches. */
export function indent(state: TextState): Edit {
  const { text, start, end } = state;
  if (!text.slice(start, end).includes('\n')) {
    const at = start + INDENT.length;
    return { from: start, to: end, insert: INDENT, start: at, end: at };
  }
  const { from, to } = touchedLines(state);
  const lines = text.slice(from, to).split('\n');
  const insert = lines.map((line) => (line === '' ? line : INDENT + line)).join('\n');
  // The selection grows to cover whole lines, so a second Tab indents the same lines again.
  return { from, to, insert, start: from, end: from + insert.length };
}

/** Shift+Tab: up to two leading spaces off the caret's line, or off every line a selection touches; the caret stays with its text. */
export function outdent(state: TextState): Edit {
  const { text, start, end } = state;
  const { from, to } = touchedLines(state);
  const lines = text.slice(from, to).split('\n');
  const removed = lines.map((line) => /^ {0,2}/.exec(line)![0].length);
  const insert = lines.map((line, i) => line.slice(removed[i])).join('\n');
  if (start === end || !text.slice(start, end).includes('\n')) {
    // A caret (or a selection within the line) moves left with the text, never past the line's start.
    const shift = (index: number) => Math.max(from, index - removed[0]!);
    return { from, to, insert, start: shift(start), end: shift(end) };
  }
  return { from, to, insert, start: from, end: from + insert.length };
}

/** Enter: a line break, then the leading spaces of the line the caret was on (a selection is replaced). */
export function newline({ text, start, end }: TextState): Edit {
  const from = lineStart(text, start);
  const leading = /^[ \t]*/.exec(text.slice(from, start))![0];
  const insert = `\n${leading}`;
  const at = start + insert.length;
  return { from: start, to: end, insert, start: at, end: at };
}

/** The text and selection after `edit`: what the page shows once it applies it. */
export function applyEdit(state: TextState, edit: Edit): TextState {
  return { text: state.text.slice(0, edit.from) + edit.insert + state.text.slice(edit.to), start: edit.start, end: edit.end };
}

/** Rows for the editor: every line up to a limit, so a long module scrolls inside it rather than the page. */
export function editorRows(text: string, min = 8, max = 24): number {
  const lines = text.split('\n').length;
  return Math.min(max, Math.max(min, lines));
}

/** The 1-based line and column of `index`, as a compile error names them, so the reader can find one. */
export function caretPosition(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - lineStart(text, index) + 1 };
}
