// The notification stream: unread_notifications of each joined room in the response, and of
// rooms whose counts changed in the window (Client-Server API, "Receiving notifications"). The
// counts are computed by whoever evaluates push rules and published on OutputNotificationData.
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
    const counts = await req.ctx.unread.of(db, req.userId, rooms);
    for (const roomId of rooms) {
      const c = counts.get(roomId);
      const room = req.response.rooms.join[roomId]!;
      room.unread_notifications = { highlight_count: c?.highlightCount ?? 0, notification_count: c?.notificationCount ?? 0 };
      if (req.filter.room.timeline.unreadThreadNotifications) room.unread_thread_notifications = {};
    }
    return to;
  }
}
