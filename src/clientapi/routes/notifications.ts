// Client-Server API, "Listing Notifications" (notifications.yaml): the events the user was
// notified about, newest first, from the user API's notification rows with their events read
// from the room server.
import { invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { RoomsContext } from '../context.ts';
import { clientEvents } from '../rooms/client-event.ts';

export function notificationsOps(ctx: RoomsContext): Operation[] {
  return [
    // GET /_matrix/client/v3/notifications
    op({ method: 'GET', path: '/notifications', access: 'user' }, async function getNotifications({ query, requester }) {
      const limitParam = query('limit');
      if (limitParam !== undefined && !/^[0-9]{1,9}$/.test(limitParam)) throw invalidParam('limit must be a non-negative integer');
      const page = await ctx.userapi.getNotifications(requester.userId, {
        from: query('from'),
        limit: limitParam === undefined ? undefined : Number(limitParam),
        only: query('only'),
      });
      const stored = await ctx.rooms.eventsById(page.notifications.map((n) => n.event_id));
      const events = new Map((await clientEvents(ctx.rooms, stored)).map((e) => [e.event_id, e]));
      const notifications = page.notifications.flatMap((n) => {
        const event = events.get(n.event_id);
        // A purged event leaves nothing to show.
        if (!event) return [];
        const { room_id: _roomId, ...withoutRoomId } = event;
        // NOTSPEC: profile_tag is null rather than absent, as in Synapse (SyTest checks the key);
        // notifications here are not made per profile.
        return [{ actions: n.actions, event: withoutRoomId, profile_tag: null, read: n.read, room_id: n.room_id, ts: n.ts }];
      });
      return page.nextToken === undefined ? { notifications } : { notifications, next_token: page.nextToken };
    }),
  ];
}
