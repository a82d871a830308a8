import { describe, expect, it } from 'vitest';
import {
  CanonicalError, canonicalRequest, encode, sha256Hex, type RequestParts,
} from './canonical-request.ts';

const SIGNED = ['host', 'x-nonce'];
const base = (over: Partial<RequestParts> = {}): RequestParts => ({
  method: 'POST', target: '/v1/orders?b=2&a=1',
  headers: new Headers({ Host: 'api.example.com', 'X-Nonce': 'n1' }),
  body: '{"qty":2}', ...over,
});
const canon = (over: Partial<RequestParts> = {}, signed = SIGNED) =>
  canonicalRequest(base(over), signed);

describe('canonicalRequest', () => {
  it('has one line per part, headers sorted and listed, body hashed', () => {
    expect(canon().split('\n')).toEqual([
      'POST', '/v1/orders', 'a=1&b=2', 'host:api.example.com', 'x-nonce:n1',
      'host;x-nonce', sha256Hex('{"qty":2}'),
    ]);
    expect(sha256Hex('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is the same however the query is ordered or escaped', () => {
    const same = [
      '/v1/orders?a=1&b=2', '/v1/orders?b=2&a=1', '/v1/%6Frders?a=%31&b=2',
    ].map((target) => canon({ target }));
    expect(new Set(same).size).toBe(1);
    expect(canon({ target: '/q?t=new+user' }))
      .toBe(canon({ target: '/q?t=new%20user' })); // both mean "new user"
  });

  it('keeps apart what the application reads differently', () => {
    const pairs: [string, string][] = [
      ['/q?t=a%2Bb', '/q?t=a+b'], // "a+b" vs "a b"
      ['/a%2Fb', '/a/b'], // one segment vs two
      ['/q?a=1&a=2', '/q?a=1'], // duplicates count
      ['/q?a=1%26b%3D2', '/q?a=1&b=2'], // an escaped & is data
      ['/q?x', '/q?x=1'],
      ['/q?a=1&a=2', '/q?a=2&a=1'], // first value wins in most parsers
    ];
    for (const [one, two] of pairs) {
      expect(canon({ target: one })).not.toBe(canon({ target: two }));
    }
  });

  it('sorts by name, by code unit, keeping the order of repeated names',
    () => {
      const lines = canon({ target: '/q?b=2&a=z&a=y&B=1' }).split('\n');
      expect(lines[2]).toBe('B=1&a=z&a=y&b=2');
      // Why the order stays: the application reads the first value.
      const first = (query: string) => new URLSearchParams(query).get('a');
      expect([first('a=1&a=2'), first('a=2&a=1')]).toEqual(['1', '2']);
    });

  it('treats the method as case-sensitive', () => {
    expect(canon({ method: 'post' })).not.toBe(canon());
  });

  it('trims and folds header whitespace, and needs every signed header',
    () => {
      const h = (nonce: string) => new Headers({ Host: 'api.example.com',
        'X-Nonce': nonce });
      expect(canon({ headers: h('  n1   two\t ') }))
        .toBe(canon({ headers: h('n1 two') }));
      expect(() => canon({}, ['host', 'content-type']))
        .toThrow(new CanonicalError('missing header: content-type'));
    });

  it('hashes bytes, so a body change of any size shows', () => {
    expect(canon({ body: '{"qty":2} ' })).not.toBe(canon());
    expect(canon({ body: new TextEncoder().encode('{"qty":2}') }))
      .toBe(canon());
  });

  it.each([
    [{ method: 'PO ST' }, /bad method/],
    [{ method: 'GET\nX' }, /bad method/],
    [{ target: 'https://api.example.com/v1' }, /origin-form/],
    [{ target: '/v1/' + 'a'.repeat(9000) }, /origin-form/],
    [{ target: '/v1/%E0%A4%A' }, /percent-encoding/],
    [{ target: '/v1/%2e%2e/admin' }, /dot segments/],
    [{ target: '/v1/./x' }, /dot segments/],
    [{ target: '/v1/\uD800' }, /Unicode/], // a lone surrogate
    [{ target: '/v1?q=\uDC00' }, /Unicode/],
  ])('refuses %o', (over, message) => {
    expect(() => canon(over)).toThrow(CanonicalError);
    expect(() => canon(over)).toThrow(message);
  });
});

describe('encode', () => {
  it('leaves only RFC 3986 unreserved characters', () => {
    expect(encode("AZaz09-_.~ !'()*/+=&é"))
      .toBe('AZaz09-_.~%20%21%27%28%29%2A%2F%2B%3D%26%C3%A9');
  });
});
