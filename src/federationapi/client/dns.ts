// Name lookups for server name resolution: A/AAAA (via the system resolver, so /etc/hosts
// counts) and SRV records. Behind an interface so tests can give fixed answers, and with the
// optional cache of global.dns_cache.
import { promises as dns } from 'node:dns';

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface Dns {
  /** Every address of `hostname`, IPv4 and IPv6. Throws when it has none. */
  lookup(hostname: string): Promise<string[]>;
  /** The SRV records of `name` (`_matrix-fed._tcp.example.org`); [] when there are none. */
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'ENONAME', 'NOTFOUND', 'ENOTIMP', 'EREFUSED']);

export const systemDns: Dns = {
  async lookup(hostname) {
    const found = await dns.lookup(hostname, { all: true, verbatim: true });
    return found.map((a) => a.address);
  },
  async resolveSrv(name) {
    try {
      return await dns.resolveSrv(name);
    } catch (e) {
      if (NO_RECORDS.has((e as NodeJS.ErrnoException).code ?? '')) return [];
      throw e;
    }
  },
};

/** `inner` with answers kept for `lifetimeMs`, at most `size` names (global.dns_cache). */
export function cachingDns(inner: Dns, size: number, lifetimeMs: number, now: () => number = Date.now): Dns {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && now() - hit.at < lifetimeMs) return hit.value as Promise<T>;
    const value = load();
    value.catch(() => cache.delete(key));
    if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    cache.set(key, { at: now(), value });
    return value;
  }
  return {
    lookup: (h) => cached(`a ${h}`, () => inner.lookup(h)),
    resolveSrv: (n) => cached(`srv ${n}`, () => inner.resolveSrv(n)),
  };
}
