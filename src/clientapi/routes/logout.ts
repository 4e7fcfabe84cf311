// Client-Server API, "Login" (logout.yaml): logging out deletes the device with its token.
import { type Operation, op } from '../../http/router.ts';
import type { ClientapiContext } from '../context.ts';
import { devicesChanged } from '../device-lists.ts';

export function logoutOps(ctx: ClientapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/logout
    op({ method: 'POST', path: '/logout', access: 'user-or-guest' }, async function logout({ requester }) {
      await ctx.userapi.deleteDevices(requester.userId, [requester.deviceId]);
      await devicesChanged(ctx, requester.userId);
      return {};
    }),

    // POST /_matrix/client/v3/logout/all
    op({ method: 'POST', path: '/logout/all', access: 'user-or-guest' }, async function logout_all({ requester }) {
      await ctx.userapi.deleteAllDevices(requester.userId);
      await devicesChanged(ctx, requester.userId);
      return {};
    }),
  ];
}
