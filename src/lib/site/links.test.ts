import { describe, expect, it } from 'vitest';
import { bookPath, normalizeBase, questionPath, stablePath, topicPath, withBase } from './links.ts';

describe('normalizeBase', () => {
  it.each([
    [undefined, '/'], ['', '/'], ['/', '/'], ['handbook', '/handbook/'], ['/handbook', '/handbook/'], ['//a/b//', '/a/b/'],
  ])('turns %j into %j', (input, expected) => {
    expect(normalizeBase(input)).toBe(expected);
  });
});

describe('withBase', () => {
  it('prefixes paths at the root and under a sub-path', () => {
    expect(withBase(questionPath('http-200-ok'), '/')).toBe('/questions/http-200-ok/');
    expect(withBase(questionPath('http-200-ok'), '/handbook')).toBe('/handbook/questions/http-200-ok/');
    expect(withBase('/' + stablePath(4), '/handbook/')).toBe('/handbook/q/4/');
    expect(withBase('', '/handbook/')).toBe('/handbook/');
  });

  it('refuses absolute URLs, which must not get the base', () => {
    expect(() => withBase('https://example.com/', '/')).toThrow(/site-relative/);
    expect(() => withBase('//cdn.example.com/x', '/')).toThrow(/site-relative/);
  });
});

describe('topicPath', () => {
  it('points at the topic index or one topic, under the base', () => {
    expect(withBase(topicPath(), '/handbook/')).toBe('/handbook/topics/');
    expect(withBase(topicPath('api-design'), '/handbook/')).toBe('/handbook/topics/api-design/');
  });
});

describe('bookPath', () => {
  it('points at the book or one of its parts, under the base', () => {
    expect(withBase(bookPath(), '/handbook/')).toBe('/handbook/book/');
    expect(withBase(bookPath('hard'), '/handbook/')).toBe('/handbook/book/hard/');
  });
});
