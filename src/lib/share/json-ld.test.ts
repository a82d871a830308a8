import { describe, expect, it } from 'vitest';
import { breadcrumbLd, faqPageLd, jsonLdScript } from './json-ld.ts';

const q = {
  url: 'https://example.org/handbook/questions/http-200-ok/',
  question: 'What does a 200 HTTP status mean?',
  answer: 'The request succeeded.',
  answerAnchor: 'short-answer',
  siteName: 'Backend Interview Handbook',
  siteUrl: 'https://example.org/handbook/',
};

describe('faqPageLd', () => {
  it('describes one question with the site answer as its accepted answer', () => {
    const ld = faqPageLd({ ...q, modified: new Date('2026-11-24T18:47:17Z') });
    expect(ld).toMatchObject({ '@context': 'https://schema.org', '@type': 'FAQPage', url: q.url, dateModified: '2026-11-24T18:47:17.000Z' });
    expect(ld.mainEntity).toEqual([
      { '@type': 'Question', name: q.question, acceptedAnswer: { '@type': 'Answer', text: q.answer, url: `${q.url}#short-answer` } },
    ]);
  });

  it('leaves out dateModified when git has no date', () => {
    expect(faqPageLd(q)).not.toHaveProperty('dateModified');
  });
});

describe('breadcrumbLd', () => {
  it('numbers the trail from 1 and gives the current page no URL', () => {
    expect(breadcrumbLd([{ name: 'Home', url: 'https://e.org/' }, { name: 'Easy', url: 'https://e.org/easy/' }, { name: 'Q4' }]).itemListElement).toEqual([
      { '@type': 'ListItem', position: 1, name: 'Home', item: 'https://e.org/' },
      { '@type': 'ListItem', position: 2, name: 'Easy', item: 'https://e.org/easy/' },
      { '@type': 'ListItem', position: 3, name: 'Q4' },
    ]);
  });

  it('names an item in the middle that lacks a URL', () => {
    expect(() => breadcrumbLd([{ name: 'Home' }, { name: 'Q4' }])).toThrow('item 1 ("Home") needs a URL');
  });
});

describe('jsonLdScript', () => {
  it('cannot be closed from inside: every < is escaped, and the JSON reads back the same', () => {
    const hostile = { name: '</script><script>alert(1)</script> <!-- a < b', text: 'Tom & "Jerry" \u2028 ü' };
    const out = jsonLdScript(hostile);
    expect(out).not.toContain('<');
    expect(out).toContain('\\u003c/script>');
    expect(JSON.parse(out)).toEqual(hostile);
  });
});
