/** html-validate's long-title limit, which .htmlvalidate.mjs sets to what search results show at most. */
export const MAX_TITLE = 100;

/**
 * The `<title>` of a page: its own title, then the site's name when both fit
 * in MAX_TITLE characters; a long question title keeps the question whole
 * and drops the site's name instead.
 */
export function documentTitle(title: string, siteTitle: string): string {
  if (title === siteTitle) return title;
  if (title.length > MAX_TITLE) {
    throw new Error(`The page title "${title}" is ${title.length} characters; keep it to ${MAX_TITLE}.`);
  }
  const full = `${title} · ${siteTitle}`;
  return full.length <= MAX_TITLE ? full : title;
}
