import { describe, expect, it } from 'vitest';
import { clientIp, ipKey, normalizeIp, trustedProxies } from './client-ip.ts';

const ours = trustedProxies(['10.0.0.0/8', '2001:db8:ffff::/48']);

describe('clientIp', () => {
  it('uses the peer and ignores X-Forwarded-For when the peer is not our proxy', () => {
    // A client talking to us directly can write any header it likes.
    expect(clientIp('203.0.113.7', '1.1.1.1', ours)).toBe('203.0.113.7');
  });

  it('takes the entry our proxy appended', () => {
    expect(clientIp('10.0.0.2', '198.51.100.4', ours)).toBe('198.51.100.4');
  });

  it('ignores spoofed entries left of the one our proxy wrote', () => {
    expect(clientIp('10.0.0.2', '1.1.1.1, 9.9.9.9, 198.51.100.4', ours))
      .toBe('198.51.100.4');
  });

  it('skips every hop of our own chain, v4 and v6', () => {
    expect(clientIp('10.0.0.2', '198.51.100.4, 2001:db8:ffff::9, 10.1.2.3', ours))
      .toBe('198.51.100.4');
  });

  it('a spoofed "trusted" address left of the client does not move the answer', () => {
    expect(clientIp('10.0.0.2', '10.9.9.9, 198.51.100.4', ours)).toBe('198.51.100.4');
  });

  it('returns the leftmost proxy when every hop is ours', () => {
    expect(clientIp('10.0.0.2', '10.0.0.5', ours)).toBe('10.0.0.5');
    expect(clientIp('10.0.0.2', null, ours)).toBe('10.0.0.2');
    expect(clientIp('10.0.0.2', '', ours)).toBe('10.0.0.2');
  });

  it('stops at our last proxy when it forwarded garbage', () => {
    expect(clientIp('10.0.0.2', '198.51.100.4, not-an-ip', ours)).toBe('10.0.0.2');
    expect(clientIp('10.0.0.2', '198.51.100.4, ', ours)).toBe('10.0.0.2');
  });

  it('accepts ports some proxies add, and IPv4-mapped peers', () => {
    expect(clientIp('::ffff:10.0.0.2', '198.51.100.4:5123', ours)).toBe('198.51.100.4');
    expect(clientIp('10.0.0.2', '[2001:db8::1]:443', ours)).toBe('2001:db8::1');
  });

  it('throws on a peer that is not an address', () => {
    expect(() => clientIp('nope', null, ours)).toThrow(/bad peer/);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
  ])('%s -> %s', (raw, normal) => {
    expect(normalizeIp(raw)).toBe(normal);
  });

  it.each([
    'fe80::1%eth0', '192.0.2.256', '01.2.3.4', 'localhost', '', '1.2.3',
    '::1::2', `${'1:'.repeat(40)}1`, '192.0.2.1:99999',
  ])('rejects %j', (raw) => {
    expect(normalizeIp(raw)).toBeUndefined();
  });
});

describe('ipKey', () => {
  it('groups IPv6 by /64, whatever the spelling', () => {
    const keys = ['2001:db8:1:2::1', '2001:DB8:1:2:ffff:ffff:ffff:ffff',
      '2001:db8:0001:0002:0:0:0:9'].map(ipKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(ipKey('2001:db8:1:3::1')).not.toBe(keys[0]);
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
  });

  it('keys IPv4 by address, mapped or not', () => {
    expect(ipKey('192.0.2.1')).toBe('192.0.2.1');
    expect(ipKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipKey('192.0.2.2')).not.toBe(ipKey('192.0.2.1'));
  });

  it('throws on a non-address', () => {
    expect(() => ipKey('x')).toThrow(/not an IP address/);
  });
});

describe('trustedProxies', () => {
  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x', 'nope/8', '::/129', '10.0.0.0/-1'])(
    'rejects %j', (cidr) => {
      expect(() => trustedProxies([cidr])).toThrow(/not a CIDR block/);
    });
});
