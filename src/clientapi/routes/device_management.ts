// Client-Server API, "Device Management" (device_management.yaml). Deleting devices needs
// user-interactive auth by the devices' owner, except for application services (v1.17), which
// may also create devices with PUT (201).
import { notFound } from '../../http/errors.ts';
import type { Requester } from '../../http/env.ts';
import { type Operation, op, reply } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { Device } from '../../userapi/api.ts';
import type { ClientapiContext } from '../context.ts';
import { devicesChanged } from '../device-lists.ts';
import { STAGE } from '../uia/flows.ts';

function deviceJson(d: Device) {
  return {
    device_id: d.deviceId,
    ...(d.displayName !== undefined ? { display_name: d.displayName } : {}),
    ...(d.lastSeenIp !== undefined ? { last_seen_ip: d.lastSeenIp } : {}),
    ...(d.lastSeenTs !== undefined ? { last_seen_ts: d.lastSeenTs } : {}),
  };
}

const authOnly = v.object({ auth: v.anyObject().opt() });

export function deviceManagementOps(ctx: ClientapiContext): Operation[] {
  /** UIA for deleting devices, unless an application service asks. */
  async function authoriseDeletion(requester: Requester, auth: Record<string, unknown> | undefined, operation: string) {
    if (requester.appserviceId) return;
    const session = await ctx.uia.authenticate({
      auth,
      operation,
      flows: [{ stages: [STAGE.Password] }],
      userId: requester.userId,
    });
    await ctx.uia.finish(session);
  }

  return [
    // GET /_matrix/client/v3/devices
    op({ method: 'GET', path: '/devices', access: 'user-or-guest' }, async function getDevices({ requester }) {
      return { devices: (await ctx.userapi.listDevices(requester.userId)).map(deviceJson) };
    }),

    // GET /_matrix/client/v3/devices/{deviceId}
    op({ method: 'GET', path: '/devices/:deviceId', access: 'user-or-guest' }, async function getDevice({ params, requester }) {
      const device = await ctx.userapi.getDevice(requester.userId, params.deviceId!);
      if (!device) throw notFound('Unknown device');
      return deviceJson(device);
    }),

    // PUT /_matrix/client/v3/devices/{deviceId}
    op(
      { method: 'PUT', path: '/devices/:deviceId', access: 'user-or-guest', body: v.object({ display_name: v.string().opt() }) },
      async function updateDevice({ params, body, requester }) {
        const deviceId = params.deviceId!;
        if (await ctx.userapi.updateDevice(requester.userId, deviceId, { displayName: body.display_name })) {
          await devicesChanged(ctx, requester.userId);
          return {};
        }
        if (!requester.appserviceId) throw notFound('Unknown device');
        await ctx.userapi.createDevice({ userId: requester.userId, deviceId, displayName: body.display_name });
        await devicesChanged(ctx, requester.userId);
        return reply(201, {});
      },
    ),

    // DELETE /_matrix/client/v3/devices/{deviceId}
    op(
      { method: 'DELETE', path: '/devices/:deviceId', access: 'user-or-guest', body: authOnly },
      async function deleteDevice({ params, body, requester }) {
        const deviceId = params.deviceId!;
        await authoriseDeletion(requester, body.auth, `DELETE /devices/${deviceId}`);
        await ctx.userapi.deleteDevices(requester.userId, [deviceId]);
        await devicesChanged(ctx, requester.userId);
        return {};
      },
    ),

    // POST /_matrix/client/v3/delete_devices
    op(
      {
        method: 'POST',
        path: '/delete_devices',
        access: 'user-or-guest',
        body: v.object({ devices: v.array(v.string()), auth: v.anyObject().opt() }),
      },
      async function deleteDevices({ body, requester }) {
        // The session authorises deleting exactly this set of devices.
        const ids = [...new Set(body.devices)].sort();
        await authoriseDeletion(requester, body.auth, `POST /delete_devices ${JSON.stringify(ids)}`);
        await ctx.userapi.deleteDevices(requester.userId, ids);
        await devicesChanged(ctx, requester.userId);
        return {};
      },
    ),
  ];
}
