import { describe, expect, it } from 'vitest';
import { fillSize, formatSize, SIZE_MARK } from './epub-download.ts';

describe('formatSize', () => {
  it('writes bytes, kilobytes and megabytes in powers of 1000', () => {
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(810_310)).toBe('810 KB');
    expect(formatSize(999_499)).toBe('999 KB');
    expect(formatSize(999_500)).toBe('1.0 MB');
    expect(formatSize(4_707_074)).toBe('4.7 MB');
  });

  it('refuses what is not a size', () => {
    expect(() => formatSize(-1)).toThrow('a file size is a non-negative number of bytes; got -1');
  });
});

describe('fillSize', () => {
  it('replaces every mark and counts them', () => {
    expect(fillSize(`<a>EPUB</a> (${SIZE_MARK}) <a>EPUB</a> (${SIZE_MARK})`, 2_000_000)).toEqual({ html: '<a>EPUB</a> (2.0 MB) <a>EPUB</a> (2.0 MB)', count: 2 });
    expect(fillSize('<p>no link</p>', 1)).toEqual({ html: '<p>no link</p>', count: 0 });
  });
});
