// The code editor, loaded by site.ts on the first press of an Edit button
// (beside Run, under a demo's output). It fetches the module's original
// TypeScript from `_run/` (the Run button's data-source), shows the whole
// module in a textarea under the output, and runs the reader's text with
// run.ts, whose output panel follows the figure as for Run. The keys
// (src/lib/runnable/editor-keys.ts) make the textarea a code editor that
// does not trap focus: Escape, then Tab, leaves it.
//
// run.ts is imported, not bundled in: site.ts imports it for Run too, and a
// static import here would add its name to site.ts's preload list, bytes
// the page pays before any interaction.
import { caretPosition, type Edit, editorRows, escapedAfter, indent, keyAction, newline, outdent } from '../lib/runnable/editor-keys.ts';

let editors = 0;
const runner = () => import('./run.ts');
const mac = /Mac|iPhone|iPad/.test(navigator.platform);

/** Opens the editor of `edit`'s demo on the first press, then hides and shows it. */
export async function toggleEditor(edit: HTMLButtonElement): Promise<void> {
  if (edit.ariaDisabled === 'true') return;
  const figure = edit.closest('figure')!;
  const shown = figure.querySelector<HTMLElement>('.run-editor');
  if (shown && shown.dataset.failed === undefined) {
    shown.hidden = !shown.hidden;
    edit.ariaExpanded = String(!shown.hidden);
    if (!shown.hidden) shown.querySelector('textarea')!.focus();
    return;
  }
  shown?.remove();
  const path = edit.dataset.edit!;
  const runButton = figure.querySelector<HTMLButtonElement>('[data-run]')!;
  const editor = editorFor(path, runButton);
  figure.append(editor.root);
  edit.ariaDisabled = 'true';
  editor.status.textContent = `Loading ${path}…`;
  try {
    const { RUN_BASE } = await runner();
    const response = await fetch(RUN_BASE + runButton.dataset.source);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    editor.load(await response.text());
    editor.status.textContent = '';
    edit.setAttribute('aria-controls', editor.root.id);
    edit.ariaExpanded = 'true';
    editor.textarea.focus();
  } catch (error) {
    editor.root.dataset.failed = '';
    editor.status.textContent = `Could not load ${path}: ${(error as Error).message}. Press Edit to try again.`;
  } finally {
    edit.ariaDisabled = null;
  }
}

/** The editor for the module at `path`, run by `runButton`'s runner; its text comes by `load`. */
function editorFor(path: string, runButton: HTMLButtonElement) {
  const id = `run-editor-${++editors}`;
  const root = document.createElement('div');
  root.className = 'run-editor';
  root.id = `${id}-editor`;
  root.innerHTML = `<label for="${id}">The whole module, <code></code>; the page shows parts of it</label>`
    + `<p class="run-editor-hint" id="${id}-hint">Tab indents, Shift+Tab outdents, ${mac ? '⌘' : 'Ctrl'}+Enter runs.`
    + ' To leave the editor, press Escape, then Tab.</p>'
    + `<textarea id="${id}" wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off" aria-describedby="${id}-hint"></textarea>`
    + '<div class="run-editor-actions"><button type="button" class="run">Run edited</button><button type="button" class="run">Reset</button>'
    + '<p class="run-status" role="status" aria-live="polite"></p><p class="run-editor-caret"></p></div>';
  root.querySelector('code')!.textContent = path;
  const textarea = root.querySelector('textarea')!;
  const [runEdited, reset] = root.querySelectorAll('button');
  const status = root.querySelector<HTMLElement>('.run-status')!;
  const caret = root.querySelector<HTMLElement>('.run-editor-caret')!;
  // Until the text is in, only the status shows.
  const parts = [...root.children].filter((child) => !child.contains(status)).concat(runEdited!, reset!, caret) as HTMLElement[];
  parts.forEach((part) => (part.hidden = true));
  let original = '';

  const runText = async () => {
    if (runEdited!.ariaDisabled === 'true') return;
    runEdited!.ariaDisabled = 'true';
    status.textContent = '';
    try {
      const started = await (await runner()).run(runButton, textarea.value);
      if (!started) status.textContent = 'Not run: the module is still running. Run the edit when it ends.';
    } finally {
      runEdited!.ariaDisabled = null;
    }
  };
  runEdited!.addEventListener('click', () => void runText());
  reset!.addEventListener('click', () => {
    textarea.value = original;
    textarea.rows = editorRows(original);
    showCaret();
    status.textContent = `Reset to the original ${path}.`;
  });

  // Where the caret is, in the terms a compile error uses; not live, it would chatter.
  const showCaret = () => {
    const { line, column } = caretPosition(textarea.value, textarea.selectionStart);
    caret.textContent = `Line ${line}, column ${column}`;
  };
  for (const type of ['keyup', 'pointerup', 'focus', 'input']) textarea.addEventListener(type, showCaret);

  let escaped = false;
  // Escape counts for the next key only: a click or a return to the editor starts afresh.
  for (const type of ['focus', 'pointerdown']) textarea.addEventListener(type, () => (escaped = false));
  textarea.addEventListener('input', () => (textarea.rows = editorRows(textarea.value)));
  textarea.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    const action = keyAction(event, escaped);
    escaped = escapedAfter(event, escaped);
    if (action === undefined || action === 'escape') return;
    event.preventDefault();
    if (action === 'run') return void runText();
    const edit = { indent, outdent, newline }[action];
    apply(textarea, edit({ text: textarea.value, start: textarea.selectionStart, end: textarea.selectionEnd }));
  });

  const load = (text: string) => {
    original = text;
    textarea.value = text;
    textarea.rows = editorRows(text);
    // Setting the value leaves the caret at the end; the reader starts at the top.
    textarea.setSelectionRange(0, 0);
    showCaret();
    parts.forEach((part) => (part.hidden = false));
  };
  return { root, textarea, status, load };
}

/** Makes `edit` in the textarea as typing would, so the browser's undo takes it back. */
function apply(textarea: HTMLTextAreaElement, edit: Edit): void {
  if (textarea.value.slice(edit.from, edit.to) !== edit.insert) {
    textarea.setSelectionRange(edit.from, edit.to);
    // insertText is the one change to a textarea that undo knows of (and it fires input); setRangeText where it is missing.
    if (!document.execCommand('insertText', false, edit.insert)) {
      textarea.setRangeText(edit.insert);
      textarea.dispatchEvent(new Event('input'));
    }
  }
  textarea.setSelectionRange(edit.start, edit.end);
}
