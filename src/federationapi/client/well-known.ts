// GET https://<hostname>/.well-known/matrix/server (Server-Server API, "Resolving server names",
// step 3): `m.server` names the delegated server. Answers are cached, good and bad alike: for the
// response's Cache-Control max-age, 24 hours when it gives none, never more than 48 hours; errors
// for an hour, as the spec recommends. 30x redirects are followed, at most five.
import { parseServerName } from '../../protocol/identifiers.ts';

const DAY_MS = 24 * 3600_000;
const MAX_CACHE_MS = 2 * DAY_MS;
const ERROR_CACHE_MS = 3600_000;
const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = 50_000;
const TIMEOUT_MS = 10_000;

/** Fetches an https URL (through the network guard) without following redirects. */
export type PlainFetch = (url: string, signal: AbortSignal) => Promise<Response>;

export class WellKnownCache {
  private readonly cache = new Map<string, { until: number; server: string | null }>();

  constructor(
    private readonly fetchUrl: PlainFetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** The delegated server name, or null when the lookup failed (then SRV and port 8448 follow). */
  async lookup(hostname: string): Promise<string | null> {
    const hit = this.cache.get(hostname);
    if (hit && hit.until > this.now()) return hit.server;
    const { server, ttlMs } = await this.fetch(hostname);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hostname, { until: this.now() + ttlMs, server });
    return server;
  }

  private async fetch(hostname: string): Promise<{ server: string | null; ttlMs: number }> {
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    let url = `https://${hostname}/.well-known/matrix/server`;
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const res = await this.fetchUrl(url, signal);
        if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
          await res.body?.cancel();
          url = new URL(res.headers.get('location')!, url).toString();
          if (!url.startsWith('https://')) break;
          continue;
        }
        if (res.status !== 200) {
          await res.body?.cancel();
          break;
        }
        const text = await res.text();
        if (text.length > MAX_BODY_BYTES) break;
        const server = parseWellKnown(text);
        if (server === null) break;
        return { server, ttlMs: cacheTime(res.headers.get('cache-control')) };
      }
    } catch {
      // Unreachable or invalid: same as an error response.
    }
    return { server: null, ttlMs: ERROR_CACHE_MS };
  }
}

/** `m.server` of a well-known body, if it is a valid server name. */
export function parseWellKnown(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const server = (body as { 'm.server'?: unknown } | null)?.['m.server'];
  if (typeof server !== 'string' || !parseServerName(server).ok) return null;
  return server;
}

function cacheTime(header: string | null): number {
  if (header && /no-store|no-cache/i.test(header)) return 0;
  const m = header ? /max-age\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return DAY_MS;
  return Math.min(Number(m[1]) * 1000, MAX_CACHE_MS);
}
