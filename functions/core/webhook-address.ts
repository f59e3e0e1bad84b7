import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be sent (server-side request forgery rules): https only, to public
 * addresses. Loopback (and http to it) only where the local runtime allows it, for tests and
 * development. The address rule is checked on every address a host resolves to, at subscription
 * and again at each delivery, and the delivery connects to the address it checked.
 */

export interface AddressPolicy {
  /** Local runtime only (INTAKE_WEBHOOKS_ALLOW_LOOPBACK=1): http and loopback addresses allowed. */
  allowLoopback: boolean;
}

const ranges = (list: [string, number, 'ipv4' | 'ipv6'][]) => {
  const block = new BlockList();
  for (const [address, prefix, family] of list) block.addSubnet(address, prefix, family);
  return block;
};

const LOOPBACK = ranges([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);

/** Blocked whatever the setting, each with the words a refusal uses. */
const BLOCKED: [string, BlockList][] = [
  [
    'a link-local or cloud metadata address',
    ranges([
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
      // The EC2 instance metadata service over IPv6 (inside fc00::/7 too).
      ['fd00:ec2::', 32, 'ipv6'],
    ]),
  ],
  [
    'a private address',
    ranges([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ]),
  ],
  [
    'a reserved address',
    ranges([
      ['0.0.0.0', 8, 'ipv4'],
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['224.0.0.0', 4, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      ['::', 128, 'ipv6'],
      ['100::', 64, 'ipv6'],
      ['2001:db8::', 32, 'ipv6'],
      ['ff00::', 8, 'ipv6'],
    ]),
  ],
];

/** The IPv4 address an IPv6 address stands for (`::ffff:10.0.0.1`, NAT64 `64:ff9b::a00:1`), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1] ?? null;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = Number.parseInt(hex[1] ?? '0', 16);
  const low = Number.parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** What kind of address this is when webhooks may not go to it ("a private address"), or null. */
function blockedKind(address: string, policy: AddressPolicy): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const v4 = family === 6 ? embeddedIpv4(address) : null;
  if (v4 !== null) return blockedKind(v4, policy);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(address, type)) return policy.allowLoopback ? null : 'a loopback address';
  for (const [words, list] of BLOCKED) if (list.check(address, type)) return words;
  return null;
}

/** Why a webhook may not be sent to this IP address ("10.0.0.1 is a private address"), or null. */
export function addressProblem(address: string, policy: AddressPolicy): string | null {
  const kind = blockedKind(address, policy);
  return kind === null ? null : `${address} is ${kind}`;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Why a webhook URL is refused before any lookup (scheme, credentials, form), or null. The host
 * it names is checked next, on every address it resolves to (`addressProblem`).
 */
export function urlProblem(text: string, policy: AddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not an absolute URL';
  }
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return `is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`;
  if (url.protocol !== 'https:' && !(policy.allowLoopback && url.protocol === 'http:')) {
    return policy.allowLoopback ? 'must be an https:// or (locally) http:// URL' : 'must be an https:// URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.hostname === '') return 'has no host';
  return null;
}

/** The host of a webhook URL as the resolver takes it: IPv6 literals without their brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Why a URL whose host resolved to `addresses` is refused, or null. Every address must pass:
 * a name that resolves to one public and one private address could be answered with either. Plain
 * http is allowed (locally) only when every address is loopback.
 */
export function resolvedProblem(url: URL, addresses: string[], policy: AddressPolicy): string | null {
  const host = hostOf(url);
  if (addresses.length === 0) return `${host} does not resolve to any address`;
  for (const address of addresses) {
    const kind = blockedKind(address, policy);
    if (kind === null) continue;
    return address === host ? `${address} is ${kind}` : `${host} resolves to ${address}, ${kind}`;
  }
  const loopbackOnly = addresses.every(
    (address) => blockedKind(address, { allowLoopback: false }) === 'a loopback address',
  );
  if (url.protocol === 'http:' && !loopbackOnly) {
    return 'http:// is allowed only to loopback addresses (local development); use https://';
  }
  return null;
}
