// Server-Server API, "Device Management" (user_devices.yaml): a local user's devices with their
// keys, and the stream_id of the last m.device_list_update we sent for them.
import { invalidParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { UserDevicesResponse } from '../api.ts';
import type { FederationContext } from '../context.ts';
import { selectDeviceListStream } from '../storage/device-list-streams.ts';

export async function userDevices(ctx: FederationContext, userId: string, requester: string): Promise<UserDevicesResponse> {
  const [devices, keys, stream] = await Promise.all([
    ctx.userapi.listDevices(userId),
    ctx.keyserver.queryLocalKeys(requester, { [userId]: [] }),
    selectDeviceListStream(ctx.db, userId),
  ]);
  const byDevice = keys.device_keys[userId] ?? {};
  const out: UserDevicesResponse = {
    user_id: userId,
    stream_id: stream?.streamId ?? 0,
    devices: devices.map((d) => ({
      device_id: d.deviceId,
      ...(byDevice[d.deviceId] ? { keys: byDevice[d.deviceId] } : {}),
      ...(d.displayName !== undefined && d.displayName !== null ? { device_display_name: d.displayName } : {}),
    })),
  };
  if (keys.master_keys?.[userId]) out.master_key = keys.master_keys[userId];
  if (keys.self_signing_keys?.[userId]) out.self_signing_key = keys.self_signing_keys[userId];
  return out;
}

/** Mounted under /_matrix/federation/v1. */
export function userDevicesOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/user/devices/{userId}
    op({ method: 'GET', path: '/user/devices/:userId', access: 'server' }, async function getUserDevices({ params, origin }) {
      const userId = params.userId!;
      if (serverNameOf(userId) !== ctx.serverName) throw invalidParam(`${userId} is not a user of this server`);
      const res = await userDevices(ctx, userId, origin!);
      if (res.devices.length === 0 && !(await ctx.userapi.getProfile(userId))) throw notFound(`Unknown user ${userId}`);
      return res;
    }),
  ];
}
