// Access tokens: `Authorization: Bearer <token>`, or the deprecated `access_token` query
// parameter (Client-Server API, "Using access tokens"), which clients still send.
import type { Context } from 'hono';
import { MatrixError, missingToken, unknownToken } from './errors.ts';
import type { Env, Requester } from './env.ts';

export interface TokenQuery {
  token: string;
  /** Application services may act as a user in their namespace with `?user_id=`. */
  userIdParam?: string;
  /** …and as one of its devices with `?device_id=` (MSC3202, spec "Identity assertion"). */
  deviceIdParam?: string;
  /** Where the request came from, kept as the device's last-seen IP and user agent. */
  ip?: string;
  userAgent?: string;
}

/** Resolves an access token to its requester, or null when the token is unknown. */
export type Authenticate = (q: TokenQuery) => Promise<Requester | null>;

export function accessToken(c: Context<Env>): string | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw missingToken('Authorization header is not of the form "Bearer <token>"');
    return m[1];
  }
  return c.req.query('access_token') || undefined;
}

export function clientIp(c: Context<Env>): string {
  const fwd = c.req.header('x-forwarded-for');
  if (fwd) return fwd.split(',')[0]!.trim();
  const info = (c.env as { server?: { requestIP?(r: Request): { address: string } | null } } | undefined)?.server;
  return info?.requestIP?.(c.req.raw)?.address ?? 'unknown';
}

/** The client's IP address and user agent, for last-seen records (devices, /admin/whois). */
export function requestOrigin(c: Context<Env>): { ip: string; userAgent?: string } {
  const userAgent = c.req.header('user-agent');
  return userAgent ? { ip: clientIp(c), userAgent } : { ip: clientIp(c) };
}

export type Access = 'none' | 'optional' | 'user' | 'user-or-guest' | 'appservice' | 'server';

/** Establishes the requester for an operation's access level, or throws the spec's error. */
export async function requireRequester(
  c: Context<Env>,
  access: Access,
  authenticate: Authenticate,
): Promise<Requester | undefined> {
  const token = accessToken(c);
  if (token === undefined) {
    if (access === 'optional') return undefined;
    throw missingToken('Missing access token');
  }
  const requester = await authenticate({
    token,
    userIdParam: c.req.query('user_id') || undefined,
    deviceIdParam: c.req.query('org.matrix.msc3202.device_id') || c.req.query('device_id') || undefined,
    ...requestOrigin(c),
  });
  if (!requester) throw unknownToken('Unknown or expired access token');
  if (access === 'user' && requester.isGuest) {
    throw new MatrixError('M_GUEST_ACCESS_FORBIDDEN', 'Guest access is not allowed for this endpoint');
  }
  if (access === 'appservice' && !requester.appserviceId) {
    throw new MatrixError('M_FORBIDDEN', 'Only application services may call this endpoint');
  }
  return requester;
}
