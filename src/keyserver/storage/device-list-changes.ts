// keyserver_device_list_changes: the device-list stream. Every change of a user's devices or
// keys, and every join or leave of a room, gets the next position. Positions come from the
// single row of keyserver_stream_position, taken with UPDATE … RETURNING inside the writing
// transaction: the row lock holds the next writer until this one commits, so positions become
// visible in order and a reader that has seen position N has seen everything below it.
import type { Queryable } from '../../storage/types.ts';

export const DEVICE_LIST_CHANGES_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_stream_position (
  id SMALLINT NOT NULL PRIMARY KEY,
  position BIGINT NOT NULL
);
INSERT INTO keyserver_stream_position (id, position) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS keyserver_device_list_changes (
  position BIGINT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  room_id TEXT,
  only_for TEXT,
  ts BIGINT NOT NULL
)`;

export type ChangeKind = 'keys' | 'join' | 'leave';

export interface ChangeRow {
  position: number;
  user_id: string;
  kind: ChangeKind;
  room_id: string | null;
  only_for: string | null;
}

/** Reserves `count` positions; returns the first. */
async function takePositions(q: Queryable, count: number): Promise<number> {
  const row = await q.get<{ position: number }>(
    `UPDATE keyserver_stream_position SET position = position + $1 WHERE id = 1 RETURNING position`,
    [count],
  );
  return Number(row!.position) - count + 1;
}

export async function insertChanges(q: Queryable, changes: Omit<ChangeRow, 'position'>[], ts: number): Promise<ChangeRow[]> {
  if (changes.length === 0) return [];
  const first = await takePositions(q, changes.length);
  const out: ChangeRow[] = [];
  for (const [i, c] of changes.entries()) {
    const row = { ...c, position: first + i };
    await q.run(
      `INSERT INTO keyserver_device_list_changes (position, user_id, kind, room_id, only_for, ts) VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.position, row.user_id, row.kind, row.room_id, row.only_for, ts],
    );
    out.push(row);
  }
  return out;
}

export async function selectMaxPosition(q: Queryable): Promise<number> {
  const row = await q.get<{ position: number }>(`SELECT position FROM keyserver_stream_position WHERE id = 1`);
  return Number(row?.position ?? 0);
}

export function selectChanges(q: Queryable, from: number, to: number): Promise<ChangeRow[]> {
  return q.all<ChangeRow>(
    `SELECT position, user_id, kind, room_id, only_for FROM keyserver_device_list_changes
     WHERE position > $1 AND position <= $2 ORDER BY position`,
    [from, to],
  );
}
