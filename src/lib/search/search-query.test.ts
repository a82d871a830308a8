import { describe, expect, it } from 'vitest';
import { indexWord, MAX_CONCEPTS, MAX_QUESTIONS, parseQuery, queryWords } from './search-query.ts';

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

  it('drops words that ask for a level of answer, not a topic', () => {
    expect(words('logging basics overview')).toEqual(['logging']);
    expect(words('intro to caching tutorial')).toEqual(['caching']);
  });

  it('implies "status code" for a query of status codes alone, and only then', () => {
    const implied = (query: string) => (parseQuery(query).implied ?? []).map((c) => c.text);
    expect(implied('401 vs 403')).toEqual(['status code']);
    expect(implied('4xx vs 5xx')).toEqual(['status code']);
    expect(implied('not found vs gone')).toEqual(['status code']);
    expect(implied('idempotency-key header 409')).toEqual([]);
    expect(implied('put vs patch')).toEqual([]);
    expect(implied('2024')).toEqual([]);
    expect(parseQuery('401 vs 403')).toMatchObject({ concepts: [{ text: '401' }, { text: '403' }] });
    expect(parseQuery('401 vs 403').implied?.[0]).toMatchObject({ implied: true });
    expect(parseQuery('401 vs 403').implied?.[0]?.forms).toContainEqual(['status', 'code']);
  });

  it('keeps the words when scaffolding is all there is, but not single letters', () => {
    expect(parseQuery('what is a')).toMatchObject({ concepts: [{ text: 'what' }, { text: 'is' }], ignored: ['a'] });
  });

  it('keeps GET, NOT and numbers, which carry meaning in this handbook', () => {
    expect(words('get vs post')).toEqual(['get', 'post']);
    expect(words('not modified 304')).toEqual(['not modified']);
  });

  it('reads a number alone as a question number, and still as a word', () => {
    expect(parseQuery('42')).toEqual({
      questions: [42],
      concepts: [{ text: '42', forms: [['42']] }],
      ignored: [],
      dropped: [],
    });
    expect(parseQuery(' 7 ').questions).toEqual([7]);
  });

  it.each(['q42', 'Q42', 'q 42', '#42', 'question 42'])('reads %s as question 42 alone', (query) => {
    expect(parseQuery(query)).toEqual({ questions: [42], concepts: [], ignored: [], dropped: [] });
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
      dropped: [],
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
    expect(parseQuery('  ?!  ')).toEqual({ questions: [], concepts: [], ignored: [], dropped: [] });
  });

  it('searches at most MAX_CONCEPTS concepts and MAX_QUESTIONS numbers, naming the rest as dropped', () => {
    // 500 distinct words would otherwise fire 500 Pagefind searches at once.
    const long = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const parsed = parseQuery(long);
    expect(parsed.concepts.map((c) => c.text)).toEqual(Array.from({ length: MAX_CONCEPTS }, (_, i) => `word${i}`));
    expect(parsed.dropped).toHaveLength(500 - MAX_CONCEPTS);
    expect(parsed.dropped[0]).toBe(`word${MAX_CONCEPTS}`);
    const numbers = parseQuery(Array.from({ length: 40 }, (_, i) => `q${i + 1}`).join(' '));
    expect(numbers.questions).toEqual(Array.from({ length: MAX_QUESTIONS }, (_, i) => i + 1));
    expect(numbers.dropped[0]).toBe(`q${MAX_QUESTIONS + 1}`);
    expect(parseQuery('put vs patch').dropped).toEqual([]);
  });

  it('stays fast on a 10,000-character query', () => {
    const started = performance.now();
    parseQuery('a-'.repeat(5000));
    parseQuery('x'.repeat(10000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});
