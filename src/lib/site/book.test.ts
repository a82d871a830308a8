import { describe, expect, it } from 'vitest';
import { bookPlaces, scopeBook, scopeIds } from './book.ts';

describe('scopeIds', () => {
  it('prefixes ids, the attributes that refer to ids, and local fragment links', () => {
    const html = '<div class="heading"><h2 id="in-code">In code</h2><a class="anchor" href="#in-code">#</a></div>'
      + '<figure aria-describedby="d1 d2"><label for="x">X</label></figure><a href="https://example.com/#x">out</a>';
    expect(scopeIds(html, 'q42')).toBe(
      '<div class="heading"><h2 id="q42-in-code">In code</h2><a class="anchor" href="#q42-in-code">#</a></div>'
      + '<figure aria-describedby="q42-d1 q42-d2"><label for="q42-x">X</label></figure><a href="https://example.com/#x">out</a>',
    );
  });

  it('prefixes the ids a diagram paints with, but not the same words in code (where quotes are escaped)', () => {
    const html = '<svg><marker id="d1-arrow"/><polyline marker-end="url(#d1-arrow)"/></svg><code>fill=&quot;url(#d1-arrow)&quot;</code>';
    expect(scopeIds(html, 'q17')).toBe('<svg><marker id="q17-d1-arrow"/><polyline marker-end="url(#q17-d1-arrow)"/></svg><code>fill=&quot;url(#d1-arrow)&quot;</code>');
  });
});

describe('bookPlaces', () => {
  it('places each answer on the part of its difficulty band, under the base', () => {
    const places = bookPlaces(new Map([[6, 'json'], [42, 'password-storage'], [97, 'webhooks']]), '/handbook/');
    expect([...places]).toEqual([
      ['/handbook/questions/json/', { page: '/handbook/book/easy/', id: 6 }],
      ['/handbook/questions/password-storage/', { page: '/handbook/book/medium/', id: 42 }],
      ['/handbook/questions/webhooks/', { page: '/handbook/book/hard/', id: 97 }],
    ]);
  });
});

describe('scopeBook', () => {
  const places = bookPlaces(new Map([[6, 'json'], [7, 'rest'], [42, 'password-storage']]), '/handbook/');
  const easy = [
    '<main><nav><a href="#q6">Q6</a> <a href="#q7">Q7</a></nav>',
    '<article class="book-answer" id="q6"><h2 id="in-code">In code</h2><a href="/handbook/questions/password-storage/#salt">salt</a></article>',
    '<article class="book-answer" id="q7"><h2 id="in-code">In code</h2><a href="#in-code">here</a><a href="/handbook/questions/json/">JSON</a></article>',
    '<!--book-end--><a href="/handbook/topics/">Topics</a></main>',
  ].join('');
  const out = scopeBook(easy, '/handbook/book/easy/', places);

  it('gives each answer its own ids, leaving the page outside the answers alone', () => {
    expect(out).toContain('<nav><a href="#q6">Q6</a> <a href="#q7">Q7</a></nav>');
    expect(out).toContain('<article class="book-answer" id="q6"><h2 id="q6-in-code">');
    expect(out).toContain('<article class="book-answer" id="q7"><h2 id="q7-in-code">In code</h2><a href="#q7-in-code">here</a>');
    expect(out).toContain('<!--book-end--><a href="/handbook/topics/">Topics</a>');
  });

  it('turns links to answers in the same part into jumps within the page', () => {
    expect(out).toContain('<a href="#q6">JSON</a>');
  });

  it('turns links to answers in another part into links to that part, keeping their fragment', () => {
    expect(out).toContain('<a href="/handbook/book/medium/#q42-salt">salt</a>');
  });

  it('says which page is wrong when it holds no answers', () => {
    expect(() => scopeBook('<main></main>', '/handbook/book/hard/', places)).toThrow(/book page \/handbook\/book\/hard\/ has no <article class="book-answer"/);
  });
});
