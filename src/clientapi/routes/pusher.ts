// Client-Server API, "Push Notifications: Client behaviour" (pusher.yaml): a user's pushers,
// kept by the user API. A pusher belongs to the device whose access token set it, and is
// deleted with that device.
import { MatrixError, missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';

// `kind` is required but may be null (delete), which the schema helpers read as missing: it is
// left undeclared (kept as sent) and checked in the handler.
const setPusherBody = v.object({
  pushkey: v.string(),
  app_id: v.string(),
  app_display_name: v.string().opt(),
  device_display_name: v.string().opt(),
  profile_tag: v.string().opt(),
  lang: v.string().opt(),
  data: v.anyObject().opt(),
  append: v.boolean().opt(),
});

export function pusherOps(ctx: ClientapiContext): Operation[] {
  return [
    // GET /_matrix/client/v3/pushers
    op({ method: 'GET', path: '/pushers', access: 'user' }, async function getPushers({ requester }) {
      return { pushers: await ctx.userapi.getPushers(requester.userId) };
    }),

    // POST /_matrix/client/v3/pushers/set
    op(
      { method: 'POST', path: '/pushers/set', access: 'user', rateLimited: true, body: setPusherBody },
      async function postPusher({ body, requester }) {
        if (!('kind' in body)) throw missingParam('Missing parameter: kind');
        const kind = body.kind;
        if (kind !== null && typeof kind !== 'string') throw new MatrixError('M_BAD_JSON', 'kind must be a string or null');
        await ctx.userapi.setPusher(requester.userId, requester.deviceId, { ...body, kind });
        return {};
      },
    ),
  ];
}
