import { describe, expect, it } from 'vitest';
import { bookIdentifier, modifiedStamp, packageDocument } from './epub-package.ts';

describe('bookIdentifier', () => {
  it('is a version-5-style urn:uuid that depends on the site address only', () => {
    const id = bookIdentifier('https://example.org/handbook/');
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bookIdentifier('https://example.org/handbook/')).toBe(id);
    expect(bookIdentifier('https://example.org/')).not.toBe(id);
  });
});

describe('modifiedStamp', () => {
  it('writes UTC to the second, as dcterms:modified requires', () => {
    expect(modifiedStamp(new Date('2026-12-02T10:20:31.987Z'))).toBe('2026-12-02T10:20:31Z');
  });
});

describe('packageDocument', () => {
  const info = { title: 'A & B', description: 'd', url: 'https://example.org/', modified: new Date('2026-12-02T00:00:00Z') };
  const opf = packageDocument(info, [
    { href: 'nav.xhtml', mediaType: 'application/xhtml+xml', properties: ['nav'], spine: true },
    { href: 'book.css', mediaType: 'text/css' },
    { href: 'q001.xhtml', mediaType: 'application/xhtml+xml', properties: ['svg'], spine: true },
  ]);

  it('lists every file in the manifest with its properties, and the readable ones in the spine in order', () => {
    expect(opf).toContain('<item id="item-nav.xhtml" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>');
    expect(opf).toContain('<item id="item-book.css" href="book.css" media-type="text/css"/>');
    expect([...opf.matchAll(/<itemref idref="([^"]+)"\/>/g)].map((m) => m[1])).toEqual(['item-nav.xhtml', 'item-q001.xhtml']);
  });

  it('escapes the metadata', () => {
    expect(opf).toContain('<dc:title>A &amp; B</dc:title>');
  });
});
