import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseQuestionFileName, questionFileName, readQuestionSources } from './question-files.ts';

describe('parseQuestionFileName', () => {
  it('splits id and slug', () => {
    expect(parseQuestionFileName('004-http-200-ok.mdx')).toEqual({ id: 4, slug: 'http-200-ok' });
    expect(parseQuestionFileName('100-onboarding-docs.mdx')).toEqual({ id: 100, slug: 'onboarding-docs' });
  });

  it.each(['4-http-200.mdx', '004_http.mdx', '004-HTTP.mdx', '004-http-.mdx', '004-http.md', '004-.mdx'])(
    'rejects %j',
    (name) => expect(parseQuestionFileName(name)).toBeNull(),
  );

  it('round-trips with questionFileName', () => {
    expect(questionFileName(42, 'password-storage')).toBe('042-password-storage.mdx');
  });
});

describe('readQuestionSources', () => {
  it('reads the answer files under a folder, sorted, with paths from the root', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const files = readQuestionSources(root, 'tests/fixtures/content');
    expect(files.map((f) => f.path)).toContain('tests/fixtures/content/004-clean.mdx');
    expect(files.map((f) => f.path)).toEqual(files.map((f) => f.path).sort());
    expect(files.every((f) => f.path.endsWith('.mdx') && f.text.startsWith('---\n'))).toBe(true);
  });
});
