/**
 * Which client a request came from, for keying a rate limit. Behind a
 * load balancer the TCP peer is the proxy, and the client's address is in
 * X-Forwarded-For, which anyone can also write. Each proxy appends the
 * address it received the request from, so only the entries our own
 * proxies added can be believed: walk the list from the right, skip our
 * proxies, and the first address that is not one of them is the client.
 * RFC 7239 standardizes the same list as `Forwarded: for=…`; the rule is
 * the same there.
 * @see https://www.rfc-editor.org/rfc/rfc7239#section-5.2
 */
import { BlockList, isIP } from 'node:net';

// #region client-ip
/** Proxies we run, as CIDR blocks: "10.0.0.0/8", "2001:db8::/32". */
export function trustedProxies(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net = '', bits = ''] = cidr.split('/');
    const family = isIP(net);
    const prefix = Number(bits);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || !/^\d+$/.test(bits) || prefix > max) {
      throw new RangeError(`not a CIDR block: ${JSON.stringify(cidr)}`);
    }
    list.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/**
 * The client's address: the peer itself unless it is a trusted proxy;
 * then the rightmost X-Forwarded-For entry that is not one. Entries left
 * of that are whatever the client chose to send, and are ignored.
 */
export function clientIp(peer: string, forwardedFor: string | null,
  trusted: BlockList): string {
  let nearest = normalizeIp(peer);
  if (nearest === undefined) throw new TypeError(`bad peer ${peer}`);
  const hops = (forwardedFor ?? '').split(',').map((s) => s.trim());
  while (isTrusted(nearest, trusted)) {
    const next = hops.pop();
    if (next === undefined || next === '') return nearest; // all ours
    const ip = normalizeIp(next);
    // A trusted proxy wrote garbage: stop at the last address we trust.
    if (ip === undefined) return nearest;
    nearest = ip;
  }
  return nearest;
}

const isTrusted = (ip: string, list: BlockList) =>
  list.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
// #endregion client-ip

// #region ip-key
/**
 * The rate-limit key for an address: IPv4 as is, IPv6 by its /64. A
 * subscriber usually gets a /64 or more, often a /56 (RFC 6177), so keying
 * single IPv6 addresses would give each client 2^64 separate budgets.
 */
export function ipKey(ip: string): string {
  const normal = normalizeIp(ip);
  if (normal === undefined) throw new TypeError(`not an IP address: ${ip}`);
  if (!normal.includes(':')) return normal;
  return `${expand(normal).slice(0, 4).join(':')}::/64`;
}
// #endregion ip-key

/**
 * One spelling per address: IPv6 lower-case and compressed, IPv4-mapped
 * IPv6 (::ffff:192.0.2.1) as plain IPv4, and `[v6]:port` or `v4:port`
 * (some proxies add ports) without the port. Undefined if it is not an
 * address, including a zone id ("fe80::1%eth0").
 */
export function normalizeIp(raw: string): string | undefined {
  let s = raw.trim();
  if (s.length > 64) return undefined;
  const port = /:(\d{1,5})$/.exec(s)?.[1];
  if (port !== undefined && Number(port) > 65535) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  if (s.includes('%')) return undefined;
  const family = isIP(s);
  if (family === 4) return s;
  if (family !== 6) return undefined;
  // The WHATWG URL parser serializes IPv6 hosts in RFC 5952 form.
  const host = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** The eight 16-bit groups of a compressed IPv6 address, as hex. */
function expand(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const zeros = Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}

if (import.meta.main) {
  const ours = trustedProxies(['10.0.0.0/8']);
  const cases: [string, string | null][] = [
    ['203.0.113.7', null],
    ['10.0.0.2', '198.51.100.4'],
    ['10.0.0.2', '1.1.1.1, 198.51.100.4'],
    ['203.0.113.7', '1.1.1.1'],
    ['10.0.0.2', '2001:DB8:0:0:0:0:0:1, 10.0.0.9'],
    ['10.0.0.2', '::ffff:198.51.100.4'],
  ];
  for (const [peer, xff] of cases) {
    const ip = clientIp(peer, xff, ours);
    console.log(`peer ${peer.padEnd(11)} XFF ${(xff ?? '-').padEnd(31)}` +
      ` -> ${ip}  key ${ipKey(ip)}`);
  }
}
