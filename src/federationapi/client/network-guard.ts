// Which addresses outbound federation may connect to (federation_api.deny_networks and
// allow_networks): checked on the address actually connected to, after DNS, so a server name
// that resolves to a private or loopback address cannot make us reach inside our own network.
// An address in allow_networks is always allowed; else one in deny_networks is refused.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry (node:net BlockList).
import { BlockList, isIP } from 'node:net';

export class NetworkGuard {
  private readonly deny = new BlockList();
  private readonly allow = new BlockList();
  private readonly hasAllow: boolean;

  constructor(deny: readonly string[], allow: readonly string[]) {
    for (const cidr of deny) add(this.deny, cidr);
    for (const cidr of allow) add(this.allow, cidr);
    this.hasAllow = allow.length > 0;
  }

  /** Whether we may connect to this IP address. */
  allows(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.hasAllow && this.allow.check(address, type)) return true;
    return !this.deny.check(address, type);
  }
}

function add(list: BlockList, cidr: string): void {
  const [addr, bits] = cidr.trim().split('/');
  const family = isIP(addr ?? '');
  if (family === 0) throw new Error(`not an IP network: ${JSON.stringify(cidr)}`);
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${JSON.stringify(cidr)}`);
  list.addSubnet(addr!, prefix, family === 4 ? 'ipv4' : 'ipv6');
}
