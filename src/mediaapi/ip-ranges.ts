// CIDR ranges for media_api.url_preview_ip_range_blacklist: the addresses a URL preview (or a
// remote server's redirect) must never make us connect to, such as loopback, private and
// link-local networks. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4
// address they carry, so a range like 127.0.0.0/8 cannot be dodged by writing it in IPv6.

/** 4 bytes (IPv4) or 16 bytes (IPv6), or null when `s` is not an IP address. */
export function parseIp(s: string): Uint8Array | null {
  const v4 = parseIpv4(s);
  return v4 ?? parseIpv6(s);
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i]!)) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(input: string): Uint8Array | null {
  let s = input.replace(/^\[|\]$/g, '');
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** The IPv4 address inside ::ffff:a.b.c.d, else the address itself. */
function unmap(ip: Uint8Array): Uint8Array {
  if (ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff) return ip.subarray(12);
  return ip;
}

interface Range {
  net: Uint8Array;
  prefix: number;
}

function parseCidr(cidr: string): Range {
  const [addr, bits] = cidr.trim().split('/');
  const net = parseIp(addr ?? '');
  if (!net) throw new Error(`not an IP range: ${JSON.stringify(cidr)}`);
  const max = net.length * 8;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${JSON.stringify(cidr)}`);
  return { net, prefix };
}

function inRange(ip: Uint8Array, r: Range): boolean {
  if (ip.length !== r.net.length) return false;
  const whole = r.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== r.net[i]) return false;
  const rest = r.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[whole]! & mask) === (r.net[whole]! & mask);
}

export class IpBlocklist {
  private readonly deny: Range[];
  private readonly allow: Range[];

  /**
   * Addresses in `deny` are blocked unless also in `allow` (federation_api's deny_networks and
   * allow_networks). Throws on a malformed entry, naming it: a typo must not open the list.
   */
  constructor(deny: readonly string[], allow: readonly string[] = []) {
    this.deny = deny.map(parseCidr);
    this.allow = allow.map(parseCidr);
  }

  /** True when the address (textual IPv4 or IPv6) is blocked, or is not an address at all. */
  blocks(address: string): boolean {
    const ip = parseIp(address);
    if (!ip) return true;
    const plain = unmap(ip);
    const hit = (ranges: Range[]) => ranges.some((r) => inRange(plain, r) || inRange(ip, r));
    return hit(this.deny) && !hit(this.allow);
  }
}
