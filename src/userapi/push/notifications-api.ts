// The notification methods of the user API: GET /notifications pages (Client-Server API,
// "Listing Notifications") and the unread counts /sync shows ("Receiving notifications").
import { invalidParam } from '../../http/errors.ts';
import type { Database } from '../../storage/types.ts';
import type { UserApi } from '../api.ts';
import { selectPage } from '../storage/notifications.ts';
import { roomCounts } from './counts.ts';

type NotificationMethods = Pick<UserApi, 'getNotifications' | 'notificationCounts'>;

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function notificationMethods(db: Database, localpart: (userId: string) => string): NotificationMethods {
  return {
    async getNotifications(userId, opts) {
      const lp = localpart(userId);
      let before = Number.MAX_SAFE_INTEGER;
      if (opts.from != null && opts.from !== '') {
        if (!/^[0-9]{1,15}$/.test(opts.from)) throw invalidParam('Unknown pagination token');
        before = Number(opts.from);
      }
      const limit = Math.min(Math.max(opts.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
      const rows = await selectPage(db, lp, before, limit, opts.only === 'highlight');
      const notifications = rows.map((r) => ({
        room_id: r.room_id,
        event_id: r.event_id,
        ts: Number(r.ts),
        actions: JSON.parse(r.actions),
        read: Number(r.is_read) === 1,
        highlight: Number(r.highlight) === 1,
        threadId: r.thread_id,
      }));
      const last = rows[rows.length - 1];
      return rows.length === limit && last ? { notifications, nextToken: String(last.id) } : { notifications };
    },

    async notificationCounts(userId, roomIds) {
      return roomCounts(db, localpart(userId), roomIds);
    },
  };
}
