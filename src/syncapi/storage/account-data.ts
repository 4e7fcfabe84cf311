// syncapi_account_data: where in the account data stream each (user, room, type) last changed.
// The content stays with the user API (fetched when a sync needs it); this is only the index
// that tells an incremental /sync what changed.
import type { Queryable } from '../../storage/types.ts';

export const ACCOUNT_DATA_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_account_data (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  pos BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX IF NOT EXISTS syncapi_account_data_user ON syncapi_account_data (user_id, pos)`;

export interface AccountDataRow {
  userId: string;
  /** '' for global account data. */
  roomId: string;
  type: string;
  pos: number;
}

export async function upsertAccountData(q: Queryable, r: AccountDataRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_account_data (user_id, room_id, type, pos) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, room_id, type) DO UPDATE SET pos = excluded.pos`,
    [r.userId, r.roomId, r.type, r.pos],
  );
}

/** What changed for the user with lower < pos <= upper. */
export async function selectAccountDataChanges(q: Queryable, userId: string, lower: number, upper: number): Promise<AccountDataRow[]> {
  const rows = await q.all<{ user_id: string; room_id: string; type: string; pos: number }>(
    `SELECT user_id, room_id, type, pos FROM syncapi_account_data WHERE user_id = $1 AND pos > $2 AND pos <= $3 ORDER BY pos`,
    [userId, lower, upper],
  );
  return rows.map((r) => ({ userId: r.user_id, roomId: r.room_id, type: r.type, pos: Number(r.pos) }));
}
