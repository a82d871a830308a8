import { describe, expect, it } from 'vitest';
import { indexWord, parseQuery, queryWords } from './search-query.ts';

const words = (query: string) => parseQuery(query).concepts.map((c) => c.text);

describe('queryWords', () => {
  it('lowercases, drops apostrophes and splits on marks, keeping n+1 and c++ whole', () => {
    expect(queryWords("What's N+1 in C++? role-based/ABAC")).toEqual([
      'whats',
      'n+1',
      'in',
      'c++',
      'role',
      'based',
      'abac',
    ]);
  });

  it('indexes a word as Pagefind does: letters and digits only', () => {
    expect(indexWord('n+1')).toBe('n1');
    expect(indexWord('c++')).toBe('c');
  });
});

describe('parseQuery', () => {
  it('drops the words that only shape a question', () => {
    expect(parseQuery('put vs patch')).toMatchObject({
      concepts: [{ text: 'put' }, { text: 'patch' }],
      ignored: ['vs'],
    });
    expect(words('What is the difference between PUT and PATCH?')).toEqual(['put', 'patch']);
    expect(words('how to paginate a list endpoint')).toEqual(['paginate', 'list', 'endpoint']);
    expect(words('endpoint versus route')).toEqual(['endpoint', 'route']);
  });

  it('keeps the words when scaffolding is all there is, but not single letters', () => {
    expect(parseQuery('what is a')).toMatchObject({ concepts: [{ text: 'what' }, { text: 'is' }], ignored: ['a'] });
  });

  it('keeps GET, NOT and numbers, which carry meaning in this handbook', () => {
    expect(words('get vs post')).toEqual(['get', 'post']);
    expect(words('not modified 304')).toEqual(['not modified']);
  });

  it('reads a number alone as a question number, and still as a word', () => {
    expect(parseQuery('42')).toEqual({ questions: [42], concepts: [{ text: '42', forms: [['42']] }], ignored: [] });
    expect(parseQuery(' 7 ').questions).toEqual([7]);
  });

  it.each(['q42', 'Q42', 'q 42', '#42', 'question 42'])('reads %s as question 42 alone', (query) => {
    expect(parseQuery(query)).toEqual({ questions: [42], concepts: [], ignored: [] });
  });

  it('finds question numbers inside a longer query', () => {
    expect(parseQuery('compare q31 and Q 32')).toMatchObject({ questions: [31, 32], concepts: [] });
  });

  it('does not take a status code or an out-of-range number for a question', () => {
    expect(parseQuery('500')).toMatchObject({ questions: [], concepts: [{ text: '500' }] });
    expect(parseQuery('q0').questions).toEqual([]);
    expect(parseQuery('q101').questions).toEqual([]);
    expect(parseQuery('401 vs 403').questions).toEqual([]);
  });

  it('matches the longest known name, in any letter case or number', () => {
    expect(parseQuery('Role-Based Access Control').concepts).toEqual([
      { text: 'role based access control', forms: [['rbac'], ['role', 'based', 'access', 'control']] },
    ]);
    expect(words('server side request forgery vs server side')).toEqual(['server side request forgery', 'server side']);
    expect(words('env vars')).toEqual(['env vars']);
  });

  it('searches a name once, however many of its forms are typed', () => {
    expect(words('not found vs gone 410')).toEqual(['not found', 'gone']);
  });

  it('keeps a typed compound as one phrase, with its words to fall back on', () => {
    expect(parseQuery('application/problem+json')).toEqual({
      questions: [],
      ignored: [],
      concepts: [
        {
          text: 'application problem json',
          forms: [['application', 'problem', 'json']],
          parts: [
            { text: 'application', forms: [['application']] },
            { text: 'problem', forms: [['problem']] },
            { text: 'json', forms: [['json']] },
          ],
        },
      ],
    });
  });

  it('splits a compound around a known name it holds', () => {
    expect(words('jwt-auth')).toEqual(['jwt', 'auth']);
    expect(parseQuery('x-request-id').concepts[0]!.forms).toEqual([['x', 'request', 'id']]);
  });

  it('reads nothing from an empty or punctuation-only query', () => {
    expect(parseQuery('  ?!  ')).toEqual({ questions: [], concepts: [], ignored: [] });
  });
});
