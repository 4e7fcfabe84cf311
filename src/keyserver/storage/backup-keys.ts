// keyserver_backup_keys: the session keys of each backup version. An upload replaces a stored
// key only when it is better by the spec's order (is_verified, then lower first_message_index,
// then lower forwarded_count: Client-Server API, "Server-side key backups"); that rule sits in
// the upsert's WHERE, so it holds without reading the old row first.
import type { Queryable } from '../../storage/types.ts';

export const BACKUP_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_backup_keys (
  user_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  room_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  first_message_index BIGINT NOT NULL,
  forwarded_count BIGINT NOT NULL,
  is_verified SMALLINT NOT NULL,
  session_data TEXT NOT NULL,
  PRIMARY KEY (user_id, version, room_id, session_id)
)`;

export interface BackupKeyRow {
  room_id: string;
  session_id: string;
  first_message_index: number;
  forwarded_count: number;
  is_verified: number;
  session_data: string;
}

const COLUMNS = `room_id, session_id, first_message_index, forwarded_count, is_verified, session_data`;
const OLD = 'keyserver_backup_keys';

export function upsertBackupKey(q: Queryable, userId: string, version: number, k: BackupKeyRow) {
  return q.run(
    `INSERT INTO keyserver_backup_keys (user_id, version, ${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET
       first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count,
       is_verified = excluded.is_verified, session_data = excluded.session_data
     WHERE excluded.is_verified > ${OLD}.is_verified
        OR (excluded.is_verified = ${OLD}.is_verified AND (excluded.first_message_index < ${OLD}.first_message_index
           OR (excluded.first_message_index = ${OLD}.first_message_index AND excluded.forwarded_count < ${OLD}.forwarded_count)))`,
    [userId, version, k.room_id, k.session_id, k.first_message_index, k.forwarded_count, k.is_verified, k.session_data],
  );
}

/** Keys of a backup: all, one room's, or one session's. */
export function selectBackupKeys(q: Queryable, userId: string, version: number, roomId?: string, sessionId?: string) {
  const where = ['user_id = $1', 'version = $2'];
  const params: (string | number)[] = [userId, version];
  if (roomId !== undefined) where.push(`room_id = $${params.push(roomId)}`);
  if (sessionId !== undefined) where.push(`session_id = $${params.push(sessionId)}`);
  return q.all<BackupKeyRow>(`SELECT ${COLUMNS} FROM keyserver_backup_keys WHERE ${where.join(' AND ')} ORDER BY room_id, session_id`, params);
}

export function deleteBackupKeys(q: Queryable, userId: string, version: number, roomId?: string, sessionId?: string) {
  const where = ['user_id = $1', 'version = $2'];
  const params: (string | number)[] = [userId, version];
  if (roomId !== undefined) where.push(`room_id = $${params.push(roomId)}`);
  if (sessionId !== undefined) where.push(`session_id = $${params.push(sessionId)}`);
  return q.run(`DELETE FROM keyserver_backup_keys WHERE ${where.join(' AND ')}`, params);
}

export async function countBackupKeys(q: Queryable, userId: string, version: number): Promise<number> {
  const row = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM keyserver_backup_keys WHERE user_id = $1 AND version = $2`, [
    userId,
    version,
  ]);
  return Number(row?.n ?? 0);
}
