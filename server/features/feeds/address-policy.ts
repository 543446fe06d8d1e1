import net from 'node:net';

/**
 * Which network addresses a feed fetch may connect to. A company types the URL of its feed, so the
 * server must never be turned into a client of its own network (SSRF): loopback, private ranges,
 * link-local (cloud metadata at 169.254.169.254), unspecified, multicast, reserved and documentation
 * ranges are refused, in IPv4 and IPv6, including IPv6 forms that embed an IPv4 address (mapped
 * ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16; the old compatible ::a.b.c.d is refused as such).
 *
 * The check runs on the addresses a host name resolves to, inside the connection's own lookup (see
 * fetcher.ts), so the address checked is the address connected to.
 */

/** Why an address is refused: the strings key `feeds.address.<reason>` says it to the company. */
export type RefusalReason =
  | 'unspecified'
  | 'private'
  | 'shared'
  | 'loopback'
  | 'link_local'
  | 'metadata'
  | 'reserved'
  | 'documentation'
  | 'multicast'
  | 'invalid';

/** IPv4 ranges no feed lives in (IANA special-purpose registry). */
const IPV4_REFUSED: [string, number, RefusalReason][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 ranges refused outright (the ones embedding IPv4 are unwrapped first, see embeddedIpv4). */
const IPV6_REFUSED: [string, number, RefusalReason][] = [
  ['::1', 128, 'loopback'],
  // The unspecified address and the deprecated IPv4-compatible form (::a.b.c.d): no feed lives there.
  ['::', 96, 'unspecified'],
  ['100::', 64, 'reserved'],
  // Teredo tunnels reach IPv4 hosts we cannot see.
  ['2001::', 32, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

/** A set of ranges: refused ones, or the exceptions a test or development configuration allows. */
export class AddressRanges {
  private readonly list = new net.BlockList();
  private readonly reasons: { list: net.BlockList; reason: RefusalReason }[] = [];

  add(address: string, prefix: number, reason: RefusalReason = 'reserved'): this {
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    this.list.addSubnet(address, prefix, family);
    const single = new net.BlockList();
    single.addSubnet(address, prefix, family);
    this.reasons.push({ list: single, reason });
    return this;
  }

  /** The reason of the first range holding `address` (an IP literal), or undefined. */
  match(address: string): RefusalReason | undefined {
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (!this.list.check(address, family)) return undefined;
    // Node's BlockList matches an IPv4-mapped IPv6 address against IPv4 ranges: ask each range the same way.
    return this.reasons.find((r) => r.list.check(address, family))!.reason;
  }

  /** `127.0.0.1`, `10.0.0.0/8`, `::1`: the form of FEED_FETCH_ALLOW. Throws on anything else. */
  static parse(items: string[]): AddressRanges {
    const ranges = new AddressRanges();
    for (const item of items) {
      const [address, bits] = item.split('/');
      const family = net.isIP(address);
      const max = family === 6 ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
        throw new Error(`plage d’adresses invalide : « ${item} »`);
      }
      ranges.add(address, prefix);
    }
    return ranges;
  }
}

const refused = new AddressRanges();
for (const [address, prefix, reason] of [...IPV4_REFUSED, ...IPV6_REFUSED]) refused.add(address, prefix, reason);

/** The 16 bytes of an IPv6 literal (zone id ignored), or undefined when it is not one. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  const address = text.replace(/^\[|\]$/g, '').split('%')[0];
  if (!net.isIPv6(address)) return undefined;
  let head = address;
  const bytes = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) fills the last 4 bytes.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let tailBytes: number[] = [];
  if (quad) {
    tailBytes = quad[1].split('.').map(Number);
    head = address.slice(0, -quad[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter((g) => g !== '') : []);
  const leftGroups = groups(left);
  const rightGroups = groups(right);
  const total = 8 - tailBytes.length / 2;
  const middle = right === undefined ? [] : new Array(total - leftGroups.length - rightGroups.length).fill('0');
  const all = [...leftGroups, ...middle, ...rightGroups];
  if (all.length !== total) return undefined;
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  tailBytes.forEach((value, i) => (bytes[12 + i] = value));
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((value, i) => bytes[i] === value);

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that reach an IPv4 host:
 * mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16, bytes 2–5).
 */
export function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  const quad = (offset: number) => Array.from(bytes.subarray(offset, offset + 4)).join('.');
  const zeros = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return quad(12);
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b]) && zeros(4, 12)) return quad(12);
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return quad(12);
  if (startsWith(bytes, [0x20, 0x02])) return quad(2);
  return undefined;
}

/**
 * Why a connection to `address` (an IP literal) is refused, or undefined when it may go ahead.
 * `allowed` holds the exceptions of FEED_FETCH_ALLOW (tests and development only).
 */
export function refusalReason(address: string, allowed?: AddressRanges): RefusalReason | undefined {
  const plain = address.replace(/^\[|\]$/g, '').split('%')[0];
  if (net.isIP(plain) === 0) return 'invalid';
  if (allowed?.match(plain) !== undefined) return undefined;
  const inner = net.isIPv6(plain) ? embeddedIpv4(plain) : undefined;
  if (inner !== undefined) {
    if (allowed?.match(inner) !== undefined) return undefined;
    return refused.match(inner);
  }
  return refused.match(plain);
}
