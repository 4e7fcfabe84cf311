// The notification stream: unread_notifications of each joined room in the response, and of
// rooms whose counts changed in the window (Client-Server API, "Receiving notifications"). The
// user API evaluates push rules and publishes room totals on OutputNotificationData, which we
// keep; a filter with unread_thread_notifications asks it for the per-thread split instead
// (Client-Server API, "Threading": main timeline in unread_notifications, threads apart).
import { selectNotificationChanges } from '../storage/notification-data.ts';
import { type SyncRequest, type SyncStream, joinedRoom } from './types.ts';

export class NotificationsStream implements SyncStream {
  readonly key = 'notification' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const { db } = req.ctx;
    if (from > 0 && from < to) {
      for (const c of await selectNotificationChanges(db, req.userId, from, to)) {
        if (req.joinedRooms.has(c.roomId)) joinedRoom(req, c.roomId);
      }
    }
    const rooms = Object.keys(req.response.rooms.join);
    if (rooms.length === 0) return to;
    if (req.filter.room.timeline.unreadThreadNotifications) {
      const split = await req.ctx.userapi.notificationCounts(req.userId, rooms);
      for (const roomId of rooms) {
        const room = req.response.rooms.join[roomId]!;
        const c = split[roomId];
        room.unread_notifications = c?.main ?? { highlight_count: 0, notification_count: 0 };
        if (c && Object.keys(c.threads).length > 0) room.unread_thread_notifications = c.threads;
      }
      return to;
    }
    const counts = await req.ctx.unread.of(db, req.userId, rooms);
    for (const roomId of rooms) {
      const c = counts.get(roomId);
      req.response.rooms.join[roomId]!.unread_notifications = {
        highlight_count: c?.highlightCount ?? 0,
        notification_count: c?.notificationCount ?? 0,
      };
    }
    return to;
  }
}
