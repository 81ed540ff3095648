import { BlockList, isIP } from 'node:net';

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  internal.addSubnet(net, bits, 'ipv4');
}
internal.addAddress('::', 'ipv6');
internal.addSubnet('fc00::', 7, 'ipv6');
internal.addSubnet('ff00::', 8, 'ipv6');

export type AddressClass = 'public' | 'loopback' | 'link-local' | 'private';

/** `::ffff:169.254.169.254` is the IPv4 address it wraps. */
function unwrap(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Where an IP address leads: the cloud metadata service and other link-local hosts, this host, a private network. */
export function classifyAddress(raw: string): AddressClass {
  const { address, family } = unwrap(raw.replace(/^\[|\]$/g, ''));
  if (linkLocal.check(address, family)) return 'link-local';
  if (loopback.check(address, family)) return 'loopback';
  if (internal.check(address, family)) return 'private';
  return 'public';
}

export const isIpLiteral = (host: string): boolean => isIP(host.replace(/^\[|\]$/g, '')) !== 0;
