import { sourceAddress } from './client-address';

describe('sourceAddress: what a request is counted against', () => {
  it('an IPv4 address as it is, also when a dual-stack socket reports it mapped into IPv6', () => {
    expect(sourceAddress('198.51.100.7')).toBe('198.51.100.7');
    expect(sourceAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(sourceAddress('::FFFF:198.51.100.7')).toBe('198.51.100.7');
    expect(sourceAddress('0:0:0:0:0:ffff:198.51.100.7')).toBe('198.51.100.7');
  });

  it('an IPv6 address by its /64, however it is written', () => {
    const key = '2001:db8:1:2::/64';
    expect(sourceAddress('2001:db8:1:2::a')).toBe(key);
    expect(sourceAddress('2001:0DB8:0001:0002:ffff:eeee:dddd:cccc')).toBe(key);
    expect(sourceAddress('2001:db8:1:2:0:0:0:1')).toBe(key);
    expect(sourceAddress('2001:db8:1:3::a')).toBe('2001:db8:1:3::/64');
    expect(sourceAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceAddress('::1')).toBe('0:0:0:0::/64');
    expect(sourceAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceAddress('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64');
  });

  it('no address, or something that is not one: unknown', () => {
    expect(sourceAddress(undefined)).toBe('unknown');
    expect(sourceAddress('')).toBe('unknown');
    expect(sourceAddress('not-an-address')).toBe('unknown');
  });
});
