import { describe, expect, it } from 'vitest';
import { documentTitle, MAX_TITLE } from './document-title.ts';

const SITE = 'Backend Interview Handbook';

describe('documentTitle', () => {
  it('appends the site name when both fit', () => {
    expect(documentTitle('Q4. What does a 200 HTTP status mean?', SITE))
      .toBe('Q4. What does a 200 HTTP status mean? · Backend Interview Handbook');
  });

  it('is the site name alone on the home page', () => {
    expect(documentTitle(SITE, SITE)).toBe(SITE);
  });

  it('drops the site name rather than go past the limit', () => {
    const q72 = 'Q72. How do you implement secure secrets management locally and in the cloud?';
    expect(`${q72} · ${SITE}`.length).toBeGreaterThan(MAX_TITLE);
    expect(documentTitle(q72, SITE)).toBe(q72);
    const edge = 'x'.repeat(MAX_TITLE - SITE.length - 3);
    expect(documentTitle(edge, SITE)).toHaveLength(MAX_TITLE);
    expect(documentTitle(`${edge}y`, SITE)).toBe(`${edge}y`);
  });

  it('refuses a title that is too long on its own, naming it', () => {
    expect(() => documentTitle('y'.repeat(MAX_TITLE + 1), SITE)).toThrow(/is 101 characters; keep it to 100/);
  });
});
