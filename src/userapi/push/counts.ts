// Unread counts: per room and thread for /sync, in total for push gateways' badges, and the
// OutputNotificationData messages that tell the sync API a user's room counts changed.
import { STREAM } from '../../bus/streams.ts';
import type { OutputNotificationData } from '../../syncapi/api.ts';
import type { Queryable } from '../../storage/types.ts';
import type { RoomNotificationCounts } from '../api.ts';
import { selectRoomUnread, selectUnread } from '../storage/notifications.ts';
import type { PushContext } from './context.ts';
import { MAIN_THREAD } from './threads.ts';

const zero = () => ({ notification_count: 0, highlight_count: 0 });

export async function roomCounts(q: Queryable, localpart: string, roomIds: readonly string[]): Promise<Record<string, RoomNotificationCounts>> {
  const out: Record<string, RoomNotificationCounts> = {};
  for (const roomId of roomIds) out[roomId] = { ...zero(), main: zero(), threads: {} };
  for (const r of await selectUnread(q, localpart, [...new Set(roomIds)])) {
    const room = out[r.room_id]!;
    room.notification_count += r.notifications;
    room.highlight_count += r.highlights;
    const part = r.thread_id === MAIN_THREAD ? room.main : (room.threads[r.thread_id] = zero());
    part.notification_count += r.notifications;
    part.highlight_count += r.highlights;
  }
  return out;
}

export interface LocalUser {
  userId: string;
  localpart: string;
}

/** Publishes users' current counts of one room (header user_id, as the sync API consumes it). */
export async function publishCounts(ctx: PushContext, roomId: string, users: readonly LocalUser[]): Promise<void> {
  if (users.length === 0) return;
  const totals = new Map<string, { n: number; h: number }>();
  for (const r of await selectRoomUnread(ctx.db, roomId, users.map((u) => u.localpart))) {
    const t = totals.get(r.localpart) ?? { n: 0, h: 0 };
    totals.set(r.localpart, { n: t.n + r.notifications, h: t.h + r.highlights });
  }
  await Promise.all(
    users.map((u) => {
      const t = totals.get(u.localpart);
      const msg: OutputNotificationData = { userId: u.userId, roomId, notificationCount: t?.n ?? 0, highlightCount: t?.h ?? 0 };
      return ctx.bus.publish(STREAM.OutputNotificationData, msg, { user_id: u.userId });
    }),
  );
}
