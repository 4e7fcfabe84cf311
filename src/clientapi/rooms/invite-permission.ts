// Invite permission (Client-Server API module, v1.18): a local user whose
// m.invite_permission_config account data has `default_action: block` receives no invites; the
// invite endpoints answer 403 M_INVITE_BLOCKED ("Server behaviour"), and createRoom leaves such
// invitees out ("one of the invited users [may] be rejected whilst the room creation as a whole
// succeeds"). Other servers' users are their servers' business (federation /invite).
import { MatrixError } from '../../http/errors.ts';
import { AccountDataType } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { ClientapiContext } from '../context.ts';

export async function invitesBlocked(ctx: Pick<ClientapiContext, 'userapi' | 'serverName'>, userId: string): Promise<boolean> {
  if (serverNameOf(userId) !== ctx.serverName) return false;
  const config = await ctx.userapi.getAccountData(userId, '', AccountDataType.InvitePermissionConfig);
  return config?.default_action === 'block';
}

export async function requireInvitable(ctx: Pick<ClientapiContext, 'userapi' | 'serverName'>, userId: string): Promise<void> {
  if (await invitesBlocked(ctx, userId)) throw new MatrixError('M_INVITE_BLOCKED', `${userId} does not accept invites`);
}
