import { describe, expect, it } from 'vitest';
import { AddressRanges, embeddedIpv4, ipv6Bytes, refusalReason } from '../../../server/features/feeds/address-policy.js';

describe('address policy of feed fetches', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.4.2', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.1.1', 'shared'],
    ['169.254.169.254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.5', 'documentation'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::10.0.0.1', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::10.1.2.3', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fe80::1%eth0', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:0:4136:e378::1', 'reserved'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusalReason(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:93.184.216.34', '64:ff9b::8.8.8.8', '2002:5db8:d822::1'])('lets %s through', (address) => {
    expect(refusalReason(address)).toBeUndefined();
  });

  it('allows only what FEED_FETCH_ALLOW lists, and its IPv4-mapped form', () => {
    const allowed = AddressRanges.parse(['127.0.0.1', '10.8.0.0/16']);
    expect(refusalReason('127.0.0.1', allowed)).toBeUndefined();
    expect(refusalReason('::ffff:127.0.0.1', allowed)).toBeUndefined();
    expect(refusalReason('10.8.3.4', allowed)).toBeUndefined();
    expect(refusalReason('127.0.0.2', allowed)).toBe('loopback');
    expect(refusalReason('10.9.0.1', allowed)).toBe('private');
    expect(() => AddressRanges.parse(['localhost'])).toThrow('plage d’adresses invalide');
    expect(() => AddressRanges.parse(['10.0.0.0/33'])).toThrow('plage d’adresses invalide');
  });

  it('parses IPv6 forms, including a trailing dotted quad, and finds the IPv4 they carry', () => {
    expect(Array.from(ipv6Bytes('::ffff:1.2.3.4')!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(ipv6Bytes('not-an-ip')).toBeUndefined();
    expect(embeddedIpv4('::ffff:c0a8:101')).toBe('192.168.1.1');
    expect(embeddedIpv4('64:ff9b:1::a00:1')).toBe('10.0.0.1');
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
  });
});
