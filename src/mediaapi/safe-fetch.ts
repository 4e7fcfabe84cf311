// Outbound HTTP to addresses chosen by others (URLs in messages, a remote server's Location):
// every hop's host is resolved here and each address checked against a blocklist, then the
// connection goes to the checked address itself (Host header and TLS name kept), so a DNS
// answer that changes between the check and the connection cannot lead us into our own network.
// Redirects are followed by hand, each one checked the same way.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { MatrixError } from '../http/errors.ts';
import type { IpBlocklist } from './ip-ranges.ts';

export interface SafeFetchOptions {
  blocklist: IpBlocklist;
  signal: AbortSignal;
  maxRedirects?: number;
  headers?: Record<string, string>;
  /** Name resolution; tests may pin it. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface SafeResponse {
  response: Response;
  /** The URL finally answered, after redirects. */
  url: URL;
}

const defaultResolve = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export const blockedError = (host: string) => new MatrixError('M_FORBIDDEN', `Requests to ${host} are not allowed`);

export async function safeFetch(target: string | URL, opts: SafeFetchOptions): Promise<SafeResponse> {
  let url = new URL(target);
  const resolve = opts.resolve ?? defaultResolve;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new MatrixError('M_INVALID_PARAM', `Only http and https URLs can be fetched, not ${url.protocol}`);
    }
    if (url.username || url.password) throw new MatrixError('M_INVALID_PARAM', 'URLs with credentials are not fetched');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await resolve(host);
    } catch {
      throw new MatrixError('M_UNKNOWN', `Could not resolve ${host}`, { status: 502 });
    }
    if (addresses.length === 0 || addresses.some((a) => opts.blocklist.blocks(a))) throw blockedError(host);

    const response = await connect(url, host, addresses, opts);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel().catch(() => {});
      if (hop >= (opts.maxRedirects ?? 5)) throw new MatrixError('M_UNKNOWN', 'Too many redirects', { status: 502 });
      url = new URL(location, url);
      continue;
    }
    return { response, url };
  }
}

/** Tries the checked addresses in turn (a name may resolve to an IPv6 and an IPv4 address). */
async function connect(url: URL, host: string, addresses: string[], opts: SafeFetchOptions): Promise<Response> {
  let failure: unknown;
  for (const address of addresses) {
    const pinned = new URL(url);
    pinned.hostname = isIP(address) === 6 ? `[${address}]` : address;
    try {
      return await fetch(pinned, {
        redirect: 'manual',
        signal: opts.signal,
        headers: { ...opts.headers, Host: url.host },
        tls: { serverName: host },
        proxy: false,
      } as RequestInit);
    } catch (e) {
      failure = e;
      if (opts.signal.aborted) break;
    }
  }
  const timedOut = (failure as Error)?.name === 'TimeoutError' || opts.signal.aborted;
  throw new MatrixError('M_UNKNOWN', timedOut ? `Fetching ${url.host} timed out` : `Could not fetch from ${url.host}`, { status: 502 });
}

/** Reads a body up to `limit` bytes; returns null (and stops reading) beyond that. */
export async function readLimited(res: Response, limit: number): Promise<Uint8Array | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Leaving the loop cancels the rest of the body.
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
