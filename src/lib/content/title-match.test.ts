import { describe, expect, it } from 'vitest';
import { contentWords, keepsMeaning } from './title-match.ts';

describe('keepsMeaning', () => {
  it.each([
    ['What is an environment variable?', 'What is environment variable?'],
    ['What is the difference between a row and a column?', 'Difference between a row and a column.'],
    ['How do you paginate a list endpoint?', 'How to paginate a list endpoint?'],
    ['What does a 200 HTTP status mean?', 'What does a 200 HTTP status mean?'],
    ['How do you secure webhooks and prevent replay attacks?', 'How to secure webhooks and prevent replay attacks.'],
  ])('accepts the copy-edit %j', (title, seed) => {
    expect(keepsMeaning(title, seed)).toBe(true);
  });

  it.each([
    ['Difference between PUT and POST.', 'Difference between PUT and PATCH.'],
    ['What does a 201 HTTP status mean?', 'What does a 200 HTTP status mean?'],
    ['What is a database?', 'What is a database table?'],
    ['What is a database table and a view?', 'What is a database table?'],
  ])('rejects the change of meaning %j', (title, seed) => {
    expect(keepsMeaning(title, seed)).toBe(false);
  });
});

describe('contentWords', () => {
  it('keeps technical tokens whole', () => {
    expect(contentWords('Compare REST, gRPC, and GraphQL; when to choose each.')).toEqual([
      'compare', 'rest', 'grpc', 'and', 'graphql', 'when', 'choose', 'each',
    ]);
    expect(contentWords('How to use environment variables safely (dev/prod)?')).toContain('dev/prod');
  });
});
