import { describe, expect, it } from 'vitest';
import { addressVerdict, allowEntryProblem, hostIsListed, publicOnly } from './address-guard';

describe('the address guard for feed fetches', () => {
  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'uniqueLocal'],
    ['[fd00::1]', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['64:ff9b::7f00:1', 'rfc6052'],
  ])('refuses %s in production, naming its range (%s)', (address, range) => {
    expect(addressVerdict(address, publicOnly)).toEqual({ ok: false, reason: expect.stringContaining(`(${range})`) });
  });

  it('accepts public unicast addresses, IPv4 and IPv6', () => {
    expect(addressVerdict('93.184.216.34', publicOnly)).toEqual({ ok: true });
    expect(addressVerdict('2606:4700::1', publicOnly)).toEqual({ ok: true });
  });

  it('allows loopback only when the policy allows it (development), and nothing else private', () => {
    const dev = { allowLoopback: true, allow: [] };
    expect(addressVerdict('127.0.0.1', dev).ok).toBe(true);
    expect(addressVerdict('::1', dev).ok).toBe(true);
    expect(addressVerdict('10.0.0.1', dev).ok).toBe(false);
    expect(addressVerdict('169.254.169.254', dev).ok).toBe(false);
  });

  it('lets the operator list exceptions by range, address or host name', () => {
    const policy = { allowLoopback: false, allow: ['10.1.0.0/16', 'fd00::7', 'feeds.intranet'] };
    expect(addressVerdict('10.1.2.3', policy).ok).toBe(true);
    expect(addressVerdict('10.2.0.1', policy).ok).toBe(false);
    expect(addressVerdict('fd00::7', policy).ok).toBe(true);
    expect(addressVerdict('fd00::8', policy).ok).toBe(false);
    expect(hostIsListed('feeds.intranet', policy)).toBe(true);
    expect(hostIsListed('other.intranet', policy)).toBe(false);
  });

  it('says what is wrong with a bad exception entry', () => {
    expect(allowEntryProblem('10.0.0.0/99')).toMatch(/not a CIDR range/);
    expect(allowEntryProblem('bad host!')).toMatch(/not a host name/);
    expect(allowEntryProblem('feeds.intranet')).toBeNull();
  });
});
