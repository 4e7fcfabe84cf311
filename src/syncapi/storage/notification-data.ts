// syncapi_notification_data: each user's unread notification counts per room, as last published
// on OutputNotificationData, at the position of the notification stream where they changed
// (Client-Server API, "Receiving notifications": unread_notifications in /sync).
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const NOTIFICATION_DATA_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_notification_data (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  notification_count BIGINT NOT NULL,
  highlight_count BIGINT NOT NULL,
  pos BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id)
);
CREATE INDEX IF NOT EXISTS syncapi_notification_data_user ON syncapi_notification_data (user_id, pos)`;

export interface NotificationRow {
  userId: string;
  roomId: string;
  notificationCount: number;
  highlightCount: number;
  pos: number;
}

type Raw = { user_id: string; room_id: string; notification_count: number; highlight_count: number; pos: number };
const toRow = (r: Raw): NotificationRow => ({
  userId: r.user_id,
  roomId: r.room_id,
  notificationCount: Number(r.notification_count),
  highlightCount: Number(r.highlight_count),
  pos: Number(r.pos),
});

export async function upsertNotificationData(q: Queryable, r: NotificationRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_notification_data (user_id, room_id, notification_count, highlight_count, pos) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, room_id) DO UPDATE SET notification_count = excluded.notification_count,
       highlight_count = excluded.highlight_count, pos = excluded.pos`,
    [r.userId, r.roomId, r.notificationCount, r.highlightCount, r.pos],
  );
}

export async function selectNotificationCount(q: Queryable, userId: string, roomId: string): Promise<NotificationRow | undefined> {
  const r = await q.get<Raw>(
    `SELECT user_id, room_id, notification_count, highlight_count, pos FROM syncapi_notification_data WHERE user_id = $1 AND room_id = $2`,
    [userId, roomId],
  );
  return r && toRow(r);
}

/** The user's counts that changed with lower < pos <= upper. */
export async function selectNotificationChanges(q: Queryable, userId: string, lower: number, upper: number): Promise<NotificationRow[]> {
  const rows = await q.all<Raw>(
    `SELECT user_id, room_id, notification_count, highlight_count, pos FROM syncapi_notification_data
     WHERE user_id = $1 AND pos > $2 AND pos <= $3`,
    [userId, lower, upper],
  );
  return rows.map(toRow);
}

export async function selectNotificationCounts(q: Queryable, userId: string, roomIds: string[]): Promise<NotificationRow[]> {
  if (roomIds.length === 0) return [];
  const out: NotificationRow[] = [];
  for (let i = 0; i < roomIds.length; i += 100) {
    const batch = roomIds.slice(i, i + 100);
    const rows = await q.all<Raw>(
      `SELECT user_id, room_id, notification_count, highlight_count, pos FROM syncapi_notification_data
       WHERE user_id = $1 AND room_id IN (${inList(2, batch.length)})`,
      [userId, ...batch],
    );
    out.push(...rows.map(toRow));
  }
  return out;
}
