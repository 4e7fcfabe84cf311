// Client-Server API, "Password management" (password_management.yaml). Without an access token
// the m.login.password stage says whose password changes; with one, it must be that user's.
// Other devices are logged out unless logout_devices is false; the calling device stays.
import { forbidden } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';
import { devicesChanged } from '../device-lists.ts';
import { STAGE } from '../uia/flows.ts';
import { checkPasswordSize } from '../username.ts';

const changePasswordBody = v.object({
  new_password: v.string(),
  logout_devices: v.boolean().opt(),
  auth: v.anyObject().opt(),
});

export function passwordManagementOps(ctx: ClientapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/account/password
    op(
      { method: 'POST', path: '/account/password', access: 'optional', rateLimited: true, body: changePasswordBody },
      async function changePassword({ body, requester }) {
        if (requester?.isGuest) throw forbidden('Guests cannot change a password');
        checkPasswordSize(body.new_password);
        const session = await ctx.uia.authenticate({
          auth: body.auth,
          operation: 'POST /account/password',
          flows: [{ stages: [STAGE.Password] }],
          userId: requester?.userId,
        });
        const userId = requester?.userId ?? session.userId;
        if (userId === undefined) throw forbidden('No user was authenticated');
        await ctx.userapi.setPassword({
          userId,
          password: body.new_password,
          logoutDevices: body.logout_devices ?? true,
          keepDeviceId: requester?.deviceId,
        });
        if (body.logout_devices ?? true) await devicesChanged(ctx, userId);
        await ctx.uia.finish(session);
        return {};
      },
    ),
  ];
}
