// Issuing an access token for a new or reused device: the answer of /login, /register and the
// shared-secret registration (Client-Server API, "Relationship between access tokens and devices").
import type { Context } from 'hono';
import { requestOrigin } from '../http/auth.ts';
import type { Env } from '../http/env.ts';
import type { ClientapiContext } from './context.ts';
import { devicesChanged } from './device-lists.ts';

export interface SessionResponse {
  user_id: string;
  access_token: string;
  device_id: string;
  /** Deprecated, still read by older clients and SyTest. */
  home_server: string;
}

export async function startSession(
  ctx: ClientapiContext,
  c: Context<Env>,
  userId: string,
  device: { deviceId?: string; displayName?: string },
): Promise<SessionResponse> {
  const { deviceId, accessToken } = await ctx.userapi.createDevice({ userId, ...device, ...requestOrigin(c) });
  await devicesChanged(ctx, userId);
  return { user_id: userId, access_token: accessToken, device_id: deviceId, home_server: ctx.serverName };
}
