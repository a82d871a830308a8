// The EPUB the build makes from the book's parts (src/lib/epub/), as built
// by npm run build:test: valid by W3C's EPUBCheck, complete, and linked with
// its true size from the home page and the book's front page.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EPUB_PATH, formatSize } from '../../src/lib/epub/epub-download.ts';
import { TEST_BASE } from '../site-under-test.ts';
import { builtPages, DIST } from './dist.ts';

const epub = join(DIST, EPUB_PATH);
const pages = builtPages();
const questionPages = pages.filter((p) => /^questions\/[^/]+\/index\.html$/.test(p.file));

/**
 * EPUBCheck's jar: EPUBCHECK_JAR, or where Debian's epubcheck package puts it
 * (scripts/ensure-epubcheck.sh installs it for the test command).
 */
function epubcheckJar(): string {
  const jar = process.env.EPUBCHECK_JAR || '/usr/share/java/epubcheck.jar';
  if (!existsSync(jar)) {
    throw new Error(`EPUBCheck not found at ${jar}. Install it ("sudo apt-get install epubcheck", which bash scripts/test.sh does as root) or set EPUBCHECK_JAR to its jar.`);
  }
  return jar;
}

/** Entry names of a zip file, in their order in the archive. */
function entryNames(file: string): string[] {
  const listing = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`unzip -Z1 ${file} failed: ${listing.stderr}`);
  return listing.stdout.trim().split('\n');
}

describe('the EPUB', () => {
  it('is built', () => {
    expect(existsSync(epub), `dist/${EPUB_PATH} is missing: the handbook-epub integration (src/lib/epub/epub-integration.ts) did not run`).toBe(true);
  });

  // EPUBCheck is Java: one short run, so the client compiler alone and the
  // serial collector, which took it from 16.7 s to 6.7 s of CPU (and half the
  // memory) on a 2-core machine. The timeout leaves room for a busy one.
  it('passes EPUBCheck with no errors and no warnings', { timeout: 240_000 }, () => {
    const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
    const run = spawnSync('java', [...jvm, '-jar', epubcheckJar(), epub], { encoding: 'utf8' });
    if (run.error) throw new Error(`could not run EPUBCheck with java: ${run.error.message}. Install a Java runtime (Debian's epubcheck package brings one).`);
    const report = `${run.stdout}\n${run.stderr}`;
    const problems = report.split('\n').filter((line) => /^(FATAL|ERROR|WARNING)/.test(line));
    expect(problems, `EPUBCheck found problems in dist/${EPUB_PATH}; each line names the file and place:\n${report}`).toEqual([]);
    expect(run.status, report).toBe(0);
    expect(report).toContain('No errors or warnings detected.');
  });

  it('holds one chapter per answer on the site, between the title page and the quick review', () => {
    const names = entryNames(epub);
    expect(names.slice(0, 3)).toEqual(['mimetype', 'META-INF/container.xml', 'EPUB/package.opf']);
    const chapters = names.filter((n) => /^EPUB\/q\d{3}\.xhtml$/.test(n));
    expect(chapters, 'chapters in the EPUB against answer pages on the site').toHaveLength(questionPages.length);
    expect(names).toContain('EPUB/quick-review.xhtml');
  });

  it.each(['index.html', 'book/index.html'])('is linked from %s with its size', (file) => {
    const html = pages.find((p) => p.file === file)!.html;
    const size = formatSize(statSync(epub).size);
    expect(html).toContain(`<a href="${TEST_BASE}${EPUB_PATH}" type="application/epub+zip" download>EPUB for e-readers</a> (${size})`);
    expect(html).not.toContain('<!--epub-size-->');
  });

  it('is linked only from pages search does not index, as its size goes in while Pagefind reads them', () => {
    // See src/lib/search/search-index-integration.ts: the EPUB is made beside Pagefind.
    const linking = pages.filter((p) => p.html.includes(`href="${TEST_BASE}${EPUB_PATH}"`));
    expect(linking.length).toBeGreaterThan(0);
    for (const page of linking) expect(page.html, page.file).not.toContain('data-pagefind-body');
  });

  it('names itself (identifier, build time) and starts with the mimetype, stored, as readers sniff it', () => {
    const opf = spawnSync('unzip', ['-p', epub, 'EPUB/package.opf'], { encoding: 'utf8' }).stdout;
    expect(opf).toMatch(/<dc:identifier id="book-id">urn:uuid:[0-9a-f-]{36}<\/dc:identifier>/);
    expect(opf).toMatch(/<meta property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/meta>/);
    expect(readFileSync(epub).subarray(30, 58).toString()).toBe('mimetypeapplication/epub+zip');
  });
});
