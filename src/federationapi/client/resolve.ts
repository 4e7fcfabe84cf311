// Resolving a server name to where we connect (Server-Server API, "Resolving server names"):
// IP literal; hostname with explicit port; .well-known delegation (then the same rules for the
// delegated name, with SRV `_matrix-fed._tcp` then the deprecated `_matrix._tcp`); SRV for the
// name itself; else port 8448. The answer says which host to look up and connect to, the port,
// the Host header and the name the certificate must be valid for.
import { parseServerName } from '../../protocol/identifiers.ts';
import type { Dns, SrvRecord } from './dns.ts';
import type { WellKnownCache } from './well-known.ts';

export const DEFAULT_PORT = 8448;

export interface ResolvedServer {
  /** Hostname to look up (A/AAAA), or an IP literal without brackets. */
  connectHost: string;
  port: number;
  /** The Host header to send. */
  hostHeader: string;
  /** The name the TLS certificate must be valid for (sent as SNI); undefined for IP literals. */
  tlsName: string | undefined;
}

export class InvalidServerNameError extends Error {}

const SRV_CACHE_MS = 10 * 60_000;

export class ServerResolver {
  private readonly srvCache = new Map<string, { until: number; value: ResolvedServer | null }>();

  constructor(
    private readonly dns: Dns,
    private readonly wellKnown: WellKnownCache,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(serverName: string): Promise<ResolvedServer> {
    const parsed = parseServerName(serverName);
    if (!parsed.ok) throw new InvalidServerNameError(`invalid server name ${serverName}: ${parsed.reason}`);
    const { host, port, kind } = parsed.value;
    // Step 1: an IP literal, with its port or 8448; Host is the server name as written.
    if (kind !== 'dns') return { connectHost: unbracket(host), port: port ?? DEFAULT_PORT, hostHeader: serverName, tlsName: undefined };
    // Step 2: a hostname with an explicit port.
    if (port !== undefined) return { connectHost: host, port, hostHeader: serverName, tlsName: host };
    // Step 3: .well-known delegation.
    const delegated = await this.wellKnown.lookup(host);
    if (delegated !== null) return this.resolveDelegated(delegated);
    // Steps 4–6: SRV for the name itself, else port 8448.
    return (await this.srv(host)) ?? { connectHost: host, port: DEFAULT_PORT, hostHeader: host, tlsName: host };
  }

  private async resolveDelegated(delegated: string): Promise<ResolvedServer> {
    const { host, port, kind } = (parseServerName(delegated) as { ok: true; value: { host: string; port?: number; kind: string } }).value;
    // 3.1: IP literal; Host is the IP with the port if one was given.
    if (kind !== 'dns') return { connectHost: unbracket(host), port: port ?? DEFAULT_PORT, hostHeader: delegated, tlsName: undefined };
    // 3.2: hostname and port.
    if (port !== undefined) return { connectHost: host, port, hostHeader: delegated, tlsName: host };
    // 3.3–3.5: SRV, else 8448; Host and certificate are the delegated hostname.
    return (await this.srv(host)) ?? { connectHost: host, port: DEFAULT_PORT, hostHeader: host, tlsName: host };
  }

  /** `_matrix-fed._tcp.<host>`, then `_matrix._tcp.<host>`: the best record's target and port. */
  private async srv(host: string): Promise<ResolvedServer | null> {
    const hit = this.srvCache.get(host);
    if (hit && hit.until > this.now()) return hit.value;
    let value: ResolvedServer | null = null;
    for (const service of ['_matrix-fed._tcp', '_matrix._tcp']) {
      const best = pickSrv(await this.dns.resolveSrv(`${service}.${host}`).catch(() => []));
      if (best) {
        value = { connectHost: best.name.replace(/\.$/, ''), port: best.port, hostHeader: host, tlsName: host };
        break;
      }
    }
    if (this.srvCache.size > 10_000) this.srvCache.clear();
    this.srvCache.set(host, { until: this.now() + SRV_CACHE_MS, value });
    return value;
  }
}

/** RFC 2782: the lowest priority; among equals, the heaviest (we do not spread load). A target of "." means no service. */
export function pickSrv(records: readonly SrvRecord[]): SrvRecord | undefined {
  const usable = records.filter((r) => r.name !== '' && r.name !== '.');
  usable.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  return usable[0];
}

const unbracket = (host: string) => (host.startsWith('[') ? host.slice(1, -1) : host);
