// Client-Server API, "Server Administration" (admin.yaml): GET /admin/whois. A user may look
// themselves up; anyone else needs a server admin.
import { forbidden, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { ClientapiContext } from '../context.ts';

export function adminOps(ctx: ClientapiContext): Operation[] {
  return [
    // GET /_matrix/client/v3/admin/whois/{userId}
    op({ method: 'GET', path: '/admin/whois/:userId', access: 'user' }, async function getWhoIs({ params, requester }) {
      const userId = params.userId!;
      if (requester.userId !== userId && !(await ctx.userapi.isAdmin(requester.userId))) {
        throw forbidden('Only server admins may look up other users');
      }
      if (!(await ctx.userapi.getAccount(userId))) throw notFound('Unknown user');
      const devices: Record<string, unknown> = {};
      for (const d of await ctx.userapi.listDevices(userId)) {
        const connections =
          d.lastSeenIp !== undefined ? [{ ip: d.lastSeenIp, last_seen: d.lastSeenTs ?? 0, user_agent: d.lastSeenUserAgent ?? '' }] : [];
        devices[d.deviceId] = { sessions: [{ connections }] };
      }
      return { user_id: userId, devices };
    }),
  ];
}
