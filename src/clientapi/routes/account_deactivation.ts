// Client-Server API, "Account deactivation" (account_deactivation.yaml). The account's tokens end
// at once; then, when a room server is present, the user leaves every room they are in.
// `erase` also removes the profile and account data. No 3PIDs are ever bound here, so there is
// nothing to unbind and the answer is "success".
import { forbidden } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';
import { devicesChanged } from '../device-lists.ts';
import { leaveAllRooms } from '../membership.ts';
import { STAGE } from '../uia/flows.ts';

const deactivateBody = v.object({
  auth: v.anyObject().opt(),
  id_server: v.string().opt(),
  erase: v.boolean().opt(),
});

export function accountDeactivationOps(ctx: ClientapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/account/deactivate
    op(
      { method: 'POST', path: '/account/deactivate', access: 'optional', rateLimited: true, body: deactivateBody },
      async function deactivateAccount({ body, requester }) {
        if (requester?.isGuest) throw forbidden('Guest accounts cannot be deactivated');
        const session = await ctx.uia.authenticate({
          auth: body.auth,
          operation: 'POST /account/deactivate',
          flows: [{ stages: [STAGE.Password] }],
          userId: requester?.userId,
        });
        const userId = requester?.userId ?? session.userId;
        if (userId === undefined) throw forbidden('No user was authenticated');
        await ctx.userapi.deactivateAccount(userId, { erase: body.erase ?? false });
        await devicesChanged(ctx, userId);
        await ctx.uia.finish(session);
        await leaveAllRooms(ctx, userId);
        return { id_server_unbind_result: 'success' };
      },
    ),
  ];
}
