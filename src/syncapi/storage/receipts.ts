// syncapi_receipts: each user's latest receipt per room, receipt type and thread (Client-Server
// API, "Receipts"). A new receipt replaces the old one and takes a new position of the receipt
// stream; `thread_id` is '' for unthreaded receipts.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const RECEIPTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_receipts (
  pos BIGINT NOT NULL PRIMARY KEY,
  room_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  user_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  UNIQUE (room_id, receipt_type, user_id, thread_id)
);
CREATE INDEX IF NOT EXISTS syncapi_receipts_room ON syncapi_receipts (room_id, pos)`;

export interface ReceiptRow {
  pos: number;
  roomId: string;
  receiptType: string;
  userId: string;
  threadId: string;
  eventId: string;
  ts: number;
}

type Raw = { pos: number; room_id: string; receipt_type: string; user_id: string; thread_id: string; event_id: string; ts: number };
const COLUMNS = 'pos, room_id, receipt_type, user_id, thread_id, event_id, ts';
const toRow = (r: Raw): ReceiptRow => ({
  pos: Number(r.pos),
  roomId: r.room_id,
  receiptType: r.receipt_type,
  userId: r.user_id,
  threadId: r.thread_id,
  eventId: r.event_id,
  ts: Number(r.ts),
});

export async function upsertReceipt(q: Queryable, r: ReceiptRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_receipts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET pos = excluded.pos,
       event_id = excluded.event_id, ts = excluded.ts`,
    [r.pos, r.roomId, r.receiptType, r.userId, r.threadId, r.eventId, r.ts],
  );
}

export async function selectReceipt(
  q: Queryable,
  roomId: string,
  receiptType: string,
  userId: string,
  threadId: string,
): Promise<ReceiptRow | undefined> {
  const r = await q.get<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_receipts WHERE room_id = $1 AND receipt_type = $2 AND user_id = $3 AND thread_id = $4`,
    [roomId, receiptType, userId, threadId],
  );
  return r && toRow(r);
}

/** Receipts in the given rooms with lower < pos <= upper. */
export async function selectReceipts(q: Queryable, roomIds: string[], lower: number, upper: number): Promise<ReceiptRow[]> {
  const out: ReceiptRow[] = [];
  // Fixed-size batches: each distinct IN-list length is its own prepared statement.
  for (let i = 0; i < roomIds.length; i += 100) {
    const batch = roomIds.slice(i, i + 100);
    const rows = await q.all<Raw>(
      `SELECT ${COLUMNS} FROM syncapi_receipts WHERE pos > $1 AND pos <= $2 AND room_id IN (${inList(3, batch.length)})`,
      [lower, upper, ...batch],
    );
    out.push(...rows.map(toRow));
  }
  return out;
}

/** Every receipt with lower < pos <= upper (callers keep the rooms they want). */
export async function selectAllReceipts(q: Queryable, lower: number, upper: number): Promise<ReceiptRow[]> {
  const rows = await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_receipts WHERE pos > $1 AND pos <= $2`, [lower, upper]);
  return rows.map(toRow);
}

export async function deleteRoomReceipts(q: Queryable, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_receipts WHERE room_id = $1`, [roomId]);
}
