// userapi_account_datas: a user's account data, global (room_id '') and per room
// (Client-Server API, "Client Config").
import type { Queryable } from '../../storage/types.ts';

export const ACCOUNT_DATAS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_account_datas (
  localpart TEXT NOT NULL,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (localpart, room_id, type)
)`;

export async function selectAccountData(q: Queryable, localpart: string, roomId: string, type: string): Promise<string | undefined> {
  const row = await q.get<{ content: string }>(
    `SELECT content FROM userapi_account_datas WHERE localpart = $1 AND room_id = $2 AND type = $3`,
    [localpart, roomId, type],
  );
  return row?.content;
}

export function selectAllAccountData(q: Queryable, localpart: string): Promise<{ room_id: string; type: string; content: string }[]> {
  return q.all(`SELECT room_id, type, content FROM userapi_account_datas WHERE localpart = $1`, [localpart]);
}

export function upsertAccountData(q: Queryable, localpart: string, roomId: string, type: string, contentJson: string) {
  return q.run(
    `INSERT INTO userapi_account_datas (localpart, room_id, type, content) VALUES ($1, $2, $3, $4)
     ON CONFLICT (localpart, room_id, type) DO UPDATE SET content = excluded.content`,
    [localpart, roomId, type, contentJson],
  );
}

export function deleteAllAccountData(q: Queryable, localpart: string) {
  return q.run(`DELETE FROM userapi_account_datas WHERE localpart = $1`, [localpart]);
}
