/**
 * The EPUB's place on the site, and the size its download links show. The
 * pages are rendered before the EPUB exists (it is made from the built book),
 * so a link carries SIZE_MARK, which the build fills in once the file is
 * written (src/lib/epub/epub-integration.ts).
 */

/** Site-relative path of the EPUB. */
export const EPUB_PATH = 'backend-interview-handbook.epub';

/** Stands in a page for the EPUB's size until the build knows it. */
export const SIZE_MARK = '<!--epub-size-->';

/** A file size as a reader expects it: `840 KB`, `4.7 MB` (powers of 1000, as browsers' download lists show). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`a file size is a non-negative number of bytes; got ${bytes}`);
  if (bytes < 1_000) return `${bytes} bytes`;
  if (bytes < 999_500) return `${Math.round(bytes / 1_000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The page with every SIZE_MARK replaced by the size, and how many there were. */
export function fillSize(html: string, bytes: number): { html: string; count: number } {
  const parts = html.split(SIZE_MARK);
  return { html: parts.join(formatSize(bytes)), count: parts.length - 1 };
}
