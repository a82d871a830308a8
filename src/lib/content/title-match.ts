/**
 * Titles may be copy-edited for grammar but never changed in meaning. We
 * accept a title when its content words, in order, equal the seed's: case,
 * punctuation, articles and question scaffolding ("what is", "how do you")
 * may change; any other word may not.
 */
const SCAFFOLDING = new Set([
  'a', 'an', 'the', 'is', 'are', 'what', 'whats', 'how', 'do', 'does', 'you', 'to', 'can', 'would', 'should', 'i', 'we', 'one',
]);

/** The words of a title that carry its meaning, lowercased, in order. */
export function contentWords(title: string): string[] {
  return title
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^a-z0-9+#/.-]+/)
    .map((w) => w.replace(/^[./-]+|[./-]+$/g, ''))
    .filter((w) => w !== '' && !SCAFFOLDING.has(w));
}

/** True when `title` says what `seedTitle` says, allowing copy-edits only. */
export function keepsMeaning(title: string, seedTitle: string): boolean {
  const a = contentWords(title);
  const b = contentWords(seedTitle);
  return a.length === b.length && a.every((w, i) => w === b[i]);
}
