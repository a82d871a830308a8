import { describe, expect, it } from 'vitest';
import { applyEdit, caretPosition, type Edit, editorRows, escapedAfter, indent, keyAction, type KeyPress, newline, outdent, type TextState } from './editor-keys.ts';

/** A state written as text with `|` for the caret, or `[` and `]` around the selection. */
function state(marked: string): TextState {
  const caret = marked.indexOf('|');
  if (caret !== -1) return { text: marked.replace('|', ''), start: caret, end: caret };
  const start = marked.indexOf('[');
  const end = marked.indexOf(']') - 1;
  return { text: marked.replace('[', '').replace(']', ''), start, end };
}

/** The state after an edit, written the same way. */
function after(marked: string, edit: (s: TextState) => Edit): string {
  const { text, start, end } = applyEdit(state(marked), edit(state(marked)));
  return start === end ? `${text.slice(0, start)}|${text.slice(start)}` : `${text.slice(0, start)}[${text.slice(start, end)}]${text.slice(end)}`;
}

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('indent (Tab)', () => {
  it('inserts two spaces at the caret', () => {
    expect(after('const a = 1;\n|return a;', indent)).toBe('const a = 1;\n  |return a;');
    expect(after('ab|c', indent)).toBe('ab  |c');
  });

  it('replaces a selection within one line', () => {
    expect(after('a[bc]d', indent)).toBe('a  |d');
  });

  it('indents every line a selection touches, skipping empty lines, and keeps them selected', () => {
    expect(after('x\nfo[o\n\nba]r\ny', indent)).toBe('x\n[  foo\n\n  bar]\ny');
  });

  it('leaves out a last line the selection only reaches the start of', () => {
    expect(after('[a\nb\n]c', indent)).toBe('[  a\n  b]\nc');
  });
});

describe('outdent (Shift+Tab)', () => {
  it('takes up to two spaces off the caret\'s line and moves the caret with its text', () => {
    expect(after('if (x) {\n    ret|urn;\n}', outdent)).toBe('if (x) {\n  ret|urn;\n}');
    expect(after(' a|b', outdent)).toBe('a|b');
    expect(after('ab|', outdent)).toBe('ab|');
  });

  it('works from inside the leading spaces, never moving the caret before the line', () => {
    expect(after('x\n |   y', outdent)).toBe('x\n|  y');
  });

  it('outdents every line a selection touches', () => {
    expect(after('[    a\n b\nc]\nd', outdent)).toBe('[  a\nb\nc]\nd');
  });
});

describe('newline (Enter)', () => {
  it('keeps the line\'s indentation', () => {
    expect(after('function f() {\n  const a = 1;|\n}', newline)).toBe('function f() {\n  const a = 1;\n  |\n}');
  });

  it('indents only as far as the caret when it is inside the leading spaces', () => {
    expect(after('   | x', newline)).toBe('   \n   | x');
    expect(after('  x\n|y', newline)).toBe('  x\n\n|y');
  });

  it('replaces a selection', () => {
    expect(after('  a[bc]d', newline)).toBe('  a\n  |d');
  });
});

describe('keyAction', () => {
  it('maps the editor\'s keys', () => {
    expect(keyAction(press('Tab'), false)).toBe('indent');
    expect(keyAction(press('Tab', { shiftKey: true }), false)).toBe('outdent');
    expect(keyAction(press('Enter'), false)).toBe('newline');
    expect(keyAction(press('Enter', { ctrlKey: true }), false)).toBe('run');
    expect(keyAction(press('Enter', { metaKey: true }), false)).toBe('run');
    expect(keyAction(press('Escape'), false)).toBe('escape');
  });

  it('leaves Tab and Shift+Tab to the browser right after Escape, so focus can leave', () => {
    expect(keyAction(press('Tab'), true)).toBeUndefined();
    expect(keyAction(press('Tab', { shiftKey: true }), true)).toBeUndefined();
  });

  it('leaves other keys and modified Tab and Enter to the browser', () => {
    expect(keyAction(press('a'), false)).toBeUndefined();
    expect(keyAction(press('Tab', { ctrlKey: true }), false)).toBeUndefined();
    expect(keyAction(press('Enter', { shiftKey: true }), false)).toBeUndefined();
    expect(keyAction(press('Enter', { altKey: true }), false)).toBeUndefined();
  });
});

describe('escapedAfter', () => {
  it('holds from Escape until another key, modifiers aside', () => {
    expect(escapedAfter(press('Escape'), false)).toBe(true);
    expect(escapedAfter(press('Shift', { shiftKey: true }), true)).toBe(true);
    expect(escapedAfter(press('Shift', { shiftKey: true }), false)).toBe(false);
    expect(escapedAfter(press('a'), true)).toBe(false);
    expect(escapedAfter(press('Tab'), true)).toBe(false);
  });
});

describe('editorRows', () => {
  it('shows every line between the limits', () => {
    expect(editorRows('a\nb')).toBe(8);
    expect(editorRows(Array(12).fill('x').join('\n'))).toBe(12);
    expect(editorRows(Array(200).fill('x').join('\n'))).toBe(24);
  });
});

describe('caretPosition', () => {
  it('counts lines and columns from 1, as compile errors do', () => {
    expect(caretPosition('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(caretPosition('ab\ncd', 2)).toEqual({ line: 1, column: 3 });
    expect(caretPosition('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(caretPosition('ab\ncd\n', 5)).toEqual({ line: 2, column: 3 });
    expect(caretPosition('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});
