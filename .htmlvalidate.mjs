// html-validate config for the built site (tests/site/html-validity.test.ts).
// Everything in html-validate:recommended applies; each rule tuned below says why.
// Markup problems are fixed in the components, never switched off here.
/** @type {import('html-validate').ConfigData} */
export default {
  extends: ['html-validate:recommended'],
  rules: {
    // Inline styles are errors, custom properties included: code colours are
    // classes (src/lib/markdown/code-tokens.ts). One exception: diagrams
    // (src/lib/diagrams/diagram-svg.ts) set `min-width` on their SVG, so on a phone a
    // wide diagram scrolls in its frame instead of shrinking its labels below
    // legibility; the width is the diagram's own, per figure.
    'no-inline-style': ['error', { allowedProperties: ['min-width'], allowVariables: false }],
    // A question page's title is "Q<id>. <seed question> · <site name>". The
    // question's wording is fixed by the seed (at most 64 characters), so the
    // longest possible title is 99 characters. The rule's 70 is an SEO
    // heuristic about truncation in results; the question comes first, so
    // only the site name is cut. 100 still catches a doubled or runaway title.
    'long-title': ['error', { maxlength: 100 }],
    // Heading ids are slugs of the heading text, so "404, 405 or 501" becomes
    // "404-405-or-501". HTML allows any id without spaces; the strict mode
    // also demands a leading letter, a CSS 2 habit. No script selects these
    // ids, and fragment links to them are checked in built-site.test.ts.
    'valid-id': ['error', { relaxed: true }],
  },
};
