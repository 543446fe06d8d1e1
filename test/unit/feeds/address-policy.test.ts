import { describe, expect, it } from 'vitest';
import { AddressRanges, embeddedIpv4, ipv6Bytes, refusalReason } from '../../../server/features/feeds/address-policy.js';

describe('address policy of feed fetches', () => {
  it.each([
    ['127.0.0.1', 'boucle locale'],
    ['127.255.0.9', 'boucle locale'],
    ['10.0.0.1', 'réseau privé'],
    ['172.16.4.2', 'réseau privé'],
    ['172.31.255.255', 'réseau privé'],
    ['192.168.0.10', 'réseau privé'],
    ['100.64.1.1', 'réseau privé (CGNAT)'],
    ['169.254.169.254', 'lien local (métadonnées du nuage)'],
    ['0.0.0.0', 'adresse non spécifiée'],
    ['224.0.0.1', 'multidiffusion'],
    ['255.255.255.255', 'réservée'],
    ['192.0.2.5', 'réservée à la documentation'],
    ['::1', 'boucle locale'],
    ['::', 'adresse non spécifiée ou obsolète'],
    ['::10.0.0.1', 'adresse non spécifiée ou obsolète'],
    ['::ffff:127.0.0.1', 'boucle locale'],
    ['::ffff:7f00:1', 'boucle locale'],
    ['::ffff:a9fe:a9fe', 'lien local (métadonnées du nuage)'],
    ['64:ff9b::10.1.2.3', 'réseau privé'],
    ['2002:c0a8:0101::1', 'réseau privé'],
    ['fd00:ec2::254', 'réseau privé (ULA)'],
    ['fe80::1%eth0', 'lien local'],
    ['ff02::1', 'multidiffusion'],
    ['2001:0:4136:e378::1', 'réservée (Teredo)'],
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
    expect(refusalReason('127.0.0.2', allowed)).toBe('boucle locale');
    expect(refusalReason('10.9.0.1', allowed)).toBe('réseau privé');
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
