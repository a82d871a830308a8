/**
 * The Anki deck: a tab-separated text file with file headers, which Anki
 * (2.1.55 and later) imports with File › Import. Format from the manual,
 * https://docs.ankiweb.net/importing/text-files.html ("File Headers"):
 * `#key:value` lines first, then one note per line; a field holding the
 * separator, a double quote or a newline is wrapped in double quotes, with
 * quotes inside doubled. With `#html:true` fields are HTML, so text is
 * escaped. The GUID column makes a re-import update notes instead of
 * duplicating them.
 */

export interface AnkiCard {
  id: number;
  title: string;
  /** The short answer, plain text. */
  summary: string;
  /** Absolute URL of the answer page. */
  url: string;
  difficulty: string;
  topics: readonly string[];
}

const SEPARATOR = '\t';
const COLUMNS = ['GUID', 'Front', 'Back', 'Tags'] as const;

/** Text as HTML: `&`, `<`, `>` and `"` become entities; newlines become `<br>`. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replace(/\r\n?|\n/g, '<br>');
}

/** A field as Anki's reader expects it: quoted when it holds a tab, quote or line break. */
export function ankiField(value: string): string {
  return /[\t"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A note's stable id. It never starts with `#` (which would make Anki read
 * the line as a comment) and depends only on the question's number.
 */
export function ankiGuid(id: number): string {
  return `backend-interview-handbook-q${id}`;
}

/** Anki tags are separated by spaces; `::` nests them under a parent. */
function tag(parent: string, value: string): string {
  if (!/^[a-z0-9-]+$/.test(value)) throw new Error(`Anki tag ${parent}::${value} must be lowercase letters, digits and hyphens (tags cannot hold spaces)`);
  return `${parent}::${value}`;
}

function noteFields(card: AnkiCard): readonly string[] {
  if (!/^https?:\/\//.test(card.url)) throw new Error(`Q${card.id}: the Anki card links back to its page, so url must be absolute; got "${card.url}"`);
  return [
    ankiGuid(card.id),
    escapeHtml(`Q${card.id} · ${card.title}`),
    `${escapeHtml(card.summary)}<br><br><a href="${escapeHtml(card.url)}">Read the full answer</a>`,
    [tag('difficulty', card.difficulty), ...card.topics.map((t) => tag('topic', t))].join(' '),
  ];
}

/** The whole file: headers, then one note per card. */
export function ankiDeck(cards: readonly AnkiCard[], deck: string): string {
  const headers = [
    `#separator:tab`,
    `#html:true`,
    `#notetype:Basic`,
    `#deck:${deck}`,
    `#columns:${COLUMNS.join(SEPARATOR)}`,
    `#guid column:${COLUMNS.indexOf('GUID') + 1}`,
    `#tags column:${COLUMNS.indexOf('Tags') + 1}`,
  ];
  const notes = cards.map((card) => noteFields(card).map(ankiField).join(SEPARATOR));
  return `${[...headers, ...notes].join('\n')}\n`;
}
