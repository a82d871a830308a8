import { describe, expect, it } from 'vitest';
import { socialImagePath, type SocialPage, socialMeta } from './social-meta.ts';

const page: SocialPage = {
  title: 'Q42. How do you securely store passwords?',
  description: 'Hash them with Argon2id.',
  url: 'https://example.org/handbook/questions/password-storage/',
  siteName: 'Backend Interview Handbook',
  image: { url: 'https://example.org/handbook/og/42.png', alt: 'Q42, medium', width: 1200, height: 630 },
  type: 'article',
  modified: new Date('2026-11-24T18:47:17+00:00'),
};
const asObject = (rows: ReturnType<typeof socialMeta>) => Object.fromEntries(rows.map(([, key, content]) => [key, content]));

describe('socialMeta', () => {
  it('gives a question page complete Open Graph, article and Twitter tags', () => {
    expect(asObject(socialMeta(page))).toEqual({
      'og:type': 'article',
      'og:title': page.title,
      'og:description': page.description,
      'og:url': page.url,
      'og:site_name': 'Backend Interview Handbook',
      'og:locale': 'en_US',
      'og:image': page.image.url,
      'og:image:type': 'image/png',
      'og:image:width': '1200',
      'og:image:height': '630',
      'og:image:alt': 'Q42, medium',
      'article:modified_time': '2026-11-24T18:47:17.000Z',
      'twitter:card': 'summary_large_image',
      'twitter:title': page.title,
      'twitter:description': page.description,
      'twitter:image': page.image.url,
      'twitter:image:alt': 'Q42, medium',
    });
  });

  it('puts Open Graph keys in property and Twitter keys in name', () => {
    for (const [attribute, key] of socialMeta(page)) expect(attribute, key).toBe(key.startsWith('twitter:') ? 'name' : 'property');
  });

  it('leaves out the modified time for websites and for articles without a date', () => {
    expect(asObject(socialMeta({ ...page, type: 'website' }))).not.toHaveProperty('article:modified_time');
    expect(asObject(socialMeta({ ...page, modified: undefined }))).not.toHaveProperty('article:modified_time');
    expect(asObject(socialMeta({ ...page, type: 'website' }))['og:type']).toBe('website');
  });

  it('refuses relative URLs, which crawlers cannot follow', () => {
    expect(() => socialMeta({ ...page, url: '/handbook/questions/password-storage/' })).toThrow('url must be an absolute http(s) URL, got "/handbook/questions/password-storage/"');
    expect(() => socialMeta({ ...page, image: { ...page.image, url: 'og/42.png' } })).toThrow('image.url must be an absolute');
  });
});

describe('socialImagePath', () => {
  it('names a card by question id, which never changes, and has a default', () => {
    expect(socialImagePath(42)).toBe('og/42.png');
    expect(socialImagePath()).toBe('og/default.png');
  });
});
