// userapi_notifications: the events each user was notified about (Client-Server API, "Listing
// Notifications"), with the thread they belong to and whether a receipt has read them. The
// unread rows are the unread counts of /sync ("Receiving notifications"): counted per room and
// thread from the (localpart, is_read, room_id, thread_id) index, which holds few unread rows.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const NOTIFICATIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_notifications (
  id {{SERIAL_PK}},
  localpart TEXT NOT NULL,
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  thread_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  highlight SMALLINT NOT NULL,
  actions TEXT NOT NULL,
  is_read SMALLINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS userapi_notifications_event ON userapi_notifications (localpart, event_id);
CREATE INDEX IF NOT EXISTS userapi_notifications_unread ON userapi_notifications (localpart, is_read, room_id, thread_id, event_nid);
CREATE INDEX IF NOT EXISTS userapi_notifications_list ON userapi_notifications (localpart, id);
CREATE INDEX IF NOT EXISTS userapi_notifications_ts ON userapi_notifications (ts)`;

export interface NewNotification {
  localpart: string;
  roomId: string;
  eventId: string;
  eventNid: number;
  /** Thread root, '' for the main timeline. */
  threadId: string;
  ts: number;
  highlight: boolean;
  /** JSON array text. */
  actions: string;
}

export interface NotificationRow {
  id: number;
  room_id: string;
  event_id: string;
  thread_id: string;
  ts: number;
  highlight: number;
  actions: string;
  is_read: number;
}

const BATCH = 100;

/** Stores notifications once each (a redelivered event adds nothing), 100 rows a statement. */
export async function insertNotifications(q: Queryable, rows: readonly NewNotification[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const values = batch.map((_, j) => `(${inList(j * 8 + 1, 8)}, 0)`).join(', ');
    await q.run(
      `INSERT INTO userapi_notifications (localpart, room_id, event_id, event_nid, thread_id, ts, highlight, actions, is_read)
       VALUES ${values} ON CONFLICT DO NOTHING`,
      batch.flatMap((n) => [n.localpart, n.roomId, n.eventId, n.eventNid, n.threadId, n.ts, n.highlight ? 1 : 0, n.actions]),
    );
  }
}

/**
 * Marks the user's notifications in a room read up to and including the event with `nid`:
 * in every thread (`threadId` undefined), or in one ('' being the main timeline).
 */
export async function markRead(q: Queryable, localpart: string, roomId: string, nid: number, threadId?: string): Promise<number> {
  const thread = threadId === undefined ? '' : ' AND thread_id = $4';
  const params = threadId === undefined ? [localpart, roomId, nid] : [localpart, roomId, nid, threadId];
  const r = await q.run(
    `UPDATE userapi_notifications SET is_read = 1 WHERE localpart = $1 AND is_read = 0 AND room_id = $2 AND event_nid <= $3${thread}`,
    params,
  );
  return r.changes;
}

/** Whether the user has anything unread in the room: most messages' senders have not. */
export async function hasUnread(q: Queryable, localpart: string, roomId: string): Promise<boolean> {
  const row = await q.get(`SELECT 1 AS one FROM userapi_notifications WHERE localpart = $1 AND is_read = 0 AND room_id = $2 LIMIT 1`, [localpart, roomId]);
  return row !== undefined;
}

export interface UnreadRow {
  room_id: string;
  thread_id: string;
  notifications: number;
  highlights: number;
}

export async function selectUnread(q: Queryable, localpart: string, roomIds: readonly string[]): Promise<UnreadRow[]> {
  const out: UnreadRow[] = [];
  for (let i = 0; i < roomIds.length; i += BATCH) {
    const batch = roomIds.slice(i, i + BATCH);
    const rows = await q.all<UnreadRow>(
      `SELECT room_id, thread_id, COUNT(*) AS notifications, SUM(highlight) AS highlights FROM userapi_notifications
       WHERE localpart = $1 AND is_read = 0 AND room_id IN (${inList(2, batch.length)}) GROUP BY room_id, thread_id`,
      [localpart, ...batch],
    );
    for (const r of rows) out.push({ ...r, notifications: Number(r.notifications), highlights: Number(r.highlights) });
  }
  return out;
}

/** One room's unread counts of several users (those an event just notified). */
export async function selectRoomUnread(q: Queryable, roomId: string, localparts: readonly string[]): Promise<(UnreadRow & { localpart: string })[]> {
  const out: (UnreadRow & { localpart: string })[] = [];
  for (let i = 0; i < localparts.length; i += BATCH) {
    const batch = localparts.slice(i, i + BATCH);
    const rows = await q.all<UnreadRow & { localpart: string }>(
      `SELECT localpart, room_id, thread_id, COUNT(*) AS notifications, SUM(highlight) AS highlights FROM userapi_notifications
       WHERE localpart IN (${inList(2, batch.length)}) AND is_read = 0 AND room_id = $1 GROUP BY localpart, room_id, thread_id`,
      [roomId, ...batch],
    );
    for (const r of rows) out.push({ ...r, notifications: Number(r.notifications), highlights: Number(r.highlights) });
  }
  return out;
}

/** All of the user's unread notifications: the badge count sent to push gateways. */
export async function countUnread(q: Queryable, localpart: string): Promise<number> {
  const row = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM userapi_notifications WHERE localpart = $1 AND is_read = 0`, [localpart]);
  return Number(row?.n ?? 0);
}

/** Newest first, below `beforeId`. */
export function selectPage(q: Queryable, localpart: string, beforeId: number, limit: number, onlyHighlight: boolean): Promise<NotificationRow[]> {
  return q.all<NotificationRow>(
    `SELECT id, room_id, event_id, thread_id, ts, highlight, actions, is_read FROM userapi_notifications
     WHERE localpart = $1 AND id < $2${onlyHighlight ? ' AND highlight = 1' : ''} ORDER BY id DESC LIMIT $3`,
    [localpart, beforeId, limit],
  );
}

export function deleteRoomNotifications(q: Queryable, roomId: string) {
  return q.run(`DELETE FROM userapi_notifications WHERE room_id = $1`, [roomId]);
}

/** Read notifications older than `ts`: /notifications stops listing them. */
export function deleteReadBefore(q: Queryable, ts: number) {
  return q.run(`DELETE FROM userapi_notifications WHERE is_read = 1 AND ts < $1`, [ts]);
}

export function deleteUserNotifications(q: Queryable, localpart: string) {
  return q.run(`DELETE FROM userapi_notifications WHERE localpart = $1`, [localpart]);
}
