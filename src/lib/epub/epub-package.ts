import { createHash } from 'node:crypto';
import type { BookInfo } from './epub-documents.ts';
import { escapeXml as x } from './xhtml.ts';

/**
 * The package document (EPUB 3.3, section 5): metadata, the manifest of
 * every file, and the spine, the reading order. Plus the container file that
 * tells a reader where the package document is.
 * @see https://www.w3.org/TR/epub-33/#sec-package-doc
 */
export interface ManifestItem {
  /** Path relative to the package document. */
  href: string;
  mediaType: string;
  /** Manifest properties: `nav`, `svg` (holds inline SVG), `cover-image`. */
  properties?: string[];
  /** Read in order, in the spine. */
  spine?: boolean;
}

/** Folder of the content inside the EPUB; the package document sits in it. */
export const CONTENT_DIR = 'EPUB';
export const PACKAGE_FILE = `${CONTENT_DIR}/package.opf`;

export function containerXml(): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    + `<rootfiles><rootfile full-path="${PACKAGE_FILE}" media-type="application/oebps-package+xml"/></rootfiles></container>\n`;
}

/**
 * A stable `urn:uuid:` for the book at `url`: a version-5-style UUID from
 * its SHA-1, so every build of the same site is the same publication, and a
 * reader updates it instead of shelving a copy.
 */
export function bookIdentifier(url: string): string {
  const hex = createHash('sha1').update(`epub:${url}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `dcterms:modified` wants UTC to the second: `CCYY-MM-DDThh:mm:ssZ`. */
export function modifiedStamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Manifest ids are XML names: the href with anything else replaced. */
const itemId = (href: string): string => `item-${href.replace(/[^\w.-]/g, '-')}`;

export function packageDocument(info: BookInfo, items: readonly ManifestItem[]): string {
  const manifest = items.map((item) => `<item id="${itemId(item.href)}" href="${x(item.href, true)}" media-type="${item.mediaType}"`
    + (item.properties?.length ? ` properties="${item.properties.join(' ')}"` : '') + '/>').join('\n    ');
  const spine = items.filter((i) => i.spine).map((i) => `<itemref idref="${itemId(i.href)}"/>`).join('\n    ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="en">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">${bookIdentifier(info.url)}</dc:identifier>
    <dc:title>${x(info.title)}</dc:title>
    <dc:language>en</dc:language>
    <dc:description>${x(info.description)}</dc:description>
    <dc:source>${x(info.url)}</dc:source>
    <meta property="dcterms:modified">${modifiedStamp(info.modified)}</meta>
  </metadata>
  <manifest>
    ${manifest}
  </manifest>
  <spine>
    ${spine}
  </spine>
</package>
`;
}

/** A plain cover, drawn as SVG: the title on the handbook's accent colour. */
export function coverSvg(info: BookInfo, count: number, accent: string): string {
  const words = info.title.split(' ');
  const lines = words.map((w, i) => `<text x="120" y="${700 + i * 170}" font-size="150" font-weight="700">${x(w)}</text>`).join('');
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1600 2560" width="1600" height="2560">'
    + `<title>${x(info.title)}</title><rect width="1600" height="2560" fill="${accent}"/>`
    + `<g fill="#ffffff" font-family="sans-serif">${lines}`
    + `<text x="120" y="${760 + words.length * 170}" font-size="64">${count} questions, answered with tested code</text></g></svg>\n`;
}
