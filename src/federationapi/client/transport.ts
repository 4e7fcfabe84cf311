// Outbound HTTPS to other servers: a server name is resolved (./resolve.ts), its host looked up,
// every address checked against the network guard after DNS, and the request made to the
// address itself with the Host header and TLS server name the spec asks for. Certificates are
// checked against the system's roots plus sytest.ca_file and NODE_EXTRA_CA_CERTS, unless
// federation_api.disable_tls_validation. Bun's fetch keeps connections alive and pools them
// (federation_api.disable_http_keepalives turns that off).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Logger } from '../../setup/logger.ts';
import type { Dns } from './dns.ts';
import type { NetworkGuard } from './network-guard.ts';
import { type ResolvedServer, ServerResolver } from './resolve.ts';
import { WellKnownCache } from './well-known.ts';

export interface TransportOptions {
  dns: Dns;
  guard: NetworkGuard;
  disableTlsValidation: boolean;
  /** PEM files of extra certificate authorities to trust. */
  caFiles: readonly string[];
  keepAlive: boolean;
  log: Logger;
  now?: () => number;
}

export interface TransportRequest {
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

/** The server could not be reached at all (resolution, DNS, guard, connection, TLS). */
export class UnreachableError extends Error {
  constructor(
    readonly serverName: string,
    reason: string,
  ) {
    super(`${serverName} is unreachable: ${reason}`);
    this.name = 'UnreachableError';
  }
}

export class Transport {
  readonly resolver: ServerResolver;
  private readonly tls: Record<string, unknown>;

  constructor(private readonly opts: TransportOptions) {
    this.resolver = new ServerResolver(opts.dns, new WellKnownCache((url, signal) => this.fetchUrl(url, signal), opts.now), opts.now);
    const extra = opts.caFiles.flatMap((f) => {
      try {
        return [readFileSync(f, 'utf8')];
      } catch (e) {
        opts.log.warn('cannot read CA file', { file: f, error: (e as Error).message });
        return [];
      }
    });
    this.tls = opts.disableTlsValidation
      ? { rejectUnauthorized: false }
      : extra.length > 0
        ? { ca: [...rootCertificates, ...extra] }
        : {};
  }

  /** A request to a server, by server name. */
  async request(serverName: string, req: TransportRequest): Promise<Response> {
    let target: ResolvedServer;
    try {
      target = await this.resolver.resolve(serverName);
    } catch (e) {
      throw new UnreachableError(serverName, (e as Error).message);
    }
    return this.fetchTarget(serverName, target, req);
  }

  /** A plain GET of an https URL (well-known, redirects), through the same guard; no redirects followed. */
  fetchUrl(url: string, signal: AbortSignal): Promise<Response> {
    const u = new URL(url);
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    const port = u.port === '' ? 443 : Number(u.port);
    const target: ResolvedServer = { connectHost: host, port, hostHeader: u.host, tlsName: isIP(host) ? undefined : host };
    return this.fetchTarget(u.host, target, { method: 'GET', path: u.pathname + u.search, signal });
  }

  private async fetchTarget(serverName: string, target: ResolvedServer, req: TransportRequest): Promise<Response> {
    const addresses = await this.addresses(serverName, target.connectHost);
    let lastError: unknown;
    for (const address of addresses) {
      const hostPart = address.includes(':') ? `[${address}]` : address;
      try {
        return await fetch(`https://${hostPart}:${target.port}${req.path}`, {
          method: req.method,
          headers: { ...req.headers, Host: target.hostHeader },
          body: req.body,
          redirect: 'manual',
          keepalive: this.opts.keepAlive,
          signal: req.signal,
          tls: target.tlsName === undefined ? this.tls : { ...this.tls, serverName: target.tlsName },
        } as RequestInit);
      } catch (e) {
        lastError = e;
        // A timeout or a caller's abort ends the attempt; a refused connection tries the next address.
        if (req.signal.aborted) break;
      }
    }
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    throw new UnreachableError(serverName, why);
  }

  private async addresses(serverName: string, host: string): Promise<string[]> {
    let all: string[];
    if (isIP(host) !== 0) all = [host];
    else {
      try {
        all = await this.opts.dns.lookup(host);
      } catch (e) {
        throw new UnreachableError(serverName, `cannot resolve ${host}: ${(e as Error).message}`);
      }
    }
    const allowed = all.filter((a) => this.opts.guard.allows(a));
    if (allowed.length === 0) {
      throw new UnreachableError(serverName, `${host} resolves only to addresses federation_api.deny_networks refuses (${all.join(', ')})`);
    }
    return allowed;
  }
}
