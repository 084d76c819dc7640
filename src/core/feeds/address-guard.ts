// Which network addresses a feed fetch may reach: public unicast only, unless a setting says otherwise.
// A feed URL is chosen by whoever adds the source (and its redirects by whoever runs that server), so
// without this a "feed" could read cloud metadata, an internal admin page or this machine's own ports.
import ipaddr from 'ipaddr.js';

export interface AddressPolicy {
  /** Loopback addresses (127.0.0.0/8, ::1) are allowed: development, where feeds are served locally. */
  allowLoopback: boolean;
  /** Exceptions (FETCH_ALLOW_HOSTS): host names that may resolve anywhere, and addresses or CIDR ranges. */
  allow: readonly string[];
}

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

/** The strict policy: what production uses with no exceptions configured. */
export const publicOnly: AddressPolicy = { allowLoopback: false, allow: [] };

/** Parse an address, seeing through IPv4-mapped IPv6 (::ffff:127.0.0.1 is 127.0.0.1). */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.parse(bare);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/** True when an address literal or a CIDR entry of the allow list covers this address. */
function listed(address: ipaddr.IPv4 | ipaddr.IPv6, allow: readonly string[]): boolean {
  for (const entry of allow) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        if (range.kind() === address.kind() && address.match([range, bits] as never)) return true;
      } else {
        const exact = parseAddress(entry);
        if (exact && exact.kind() === address.kind() && exact.toNormalizedString() === address.toNormalizedString()) return true;
      }
    } catch {
      // Entries are checked when the configuration is read; a bad one here simply matches nothing.
    }
  }
  return false;
}

/** May a fetch connect to this IP address? Anything but public unicast is refused, with its range named. */
export function addressVerdict(address: string, policy: AddressPolicy): AddressVerdict {
  const parsed = parseAddress(address);
  if (!parsed) return { ok: false, reason: `${address} is not an IP address` };
  const range = parsed.range();
  if (range === 'unicast') return { ok: true };
  if (range === 'loopback' && policy.allowLoopback) return { ok: true };
  if (listed(parsed, policy.allow)) return { ok: true };
  return { ok: false, reason: `${parsed.toString()} is not a public address (${range})` };
}

/** True when the allow list names this host, so it may resolve to a non-public address (an intranet feed). */
export function hostIsListed(hostname: string, policy: AddressPolicy): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  return policy.allow.some((entry) => !entry.includes('/') && !ipaddr.isValid(entry) && entry.toLowerCase() === host);
}

/** True for an IP literal (as URL.hostname gives it: IPv6 in brackets); such a host needs no lookup. */
export function isAddressLiteral(hostname: string): boolean {
  return ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));
}

/** Check one FETCH_ALLOW_HOSTS entry: a host name, an IP address or a CIDR range. */
export function allowEntryProblem(entry: string): string | null {
  if (entry.includes('/')) {
    try {
      ipaddr.parseCIDR(entry);
      return null;
    } catch {
      return `"${entry}" is not a CIDR range such as 10.1.0.0/16 or fd00:1::/64`;
    }
  }
  if (ipaddr.isValid(entry) || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry)) return null;
  return `"${entry}" is not a host name, an IP address or a CIDR range`;
}
