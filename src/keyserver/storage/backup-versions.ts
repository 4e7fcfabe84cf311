// keyserver_backup_versions: each user's server-side key backups (Client-Server API, "Server-side
// key backups"). Versions count up per user and are never reused: a deleted backup keeps its row
// (deleted = 1), so a new backup never shows an old one's keys. `etag` changes with every write
// to the backup's keys; the UPDATE that bumps it also locks the row, which serialises writers.
import type { Queryable } from '../../storage/types.ts';

export const BACKUP_VERSIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_backup_versions (
  user_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  algorithm TEXT NOT NULL,
  auth_data TEXT NOT NULL,
  etag BIGINT NOT NULL,
  deleted SMALLINT NOT NULL,
  PRIMARY KEY (user_id, version)
)`;

export interface BackupVersionRow {
  version: number;
  algorithm: string;
  auth_data: string;
  etag: number;
  deleted: number;
}

const COLUMNS = `version, algorithm, auth_data, etag, deleted`;

/** Inserts the next version of the user; undefined when a concurrent create took it (try again). */
export function insertNextVersion(q: Queryable, userId: string, algorithm: string, authData: string) {
  return q.get<{ version: number }>(
    `INSERT INTO keyserver_backup_versions (user_id, version, algorithm, auth_data, etag, deleted)
     SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, 0, 0 FROM keyserver_backup_versions WHERE user_id = $1
     ON CONFLICT DO NOTHING RETURNING version`,
    [userId, algorithm, authData],
  );
}

export function selectVersion(q: Queryable, userId: string, version: number) {
  return q.get<BackupVersionRow>(`SELECT ${COLUMNS} FROM keyserver_backup_versions WHERE user_id = $1 AND version = $2`, [userId, version]);
}

export function selectLatestVersion(q: Queryable, userId: string) {
  return q.get<BackupVersionRow>(
    `SELECT ${COLUMNS} FROM keyserver_backup_versions WHERE user_id = $1 AND deleted = 0 ORDER BY version DESC LIMIT 1`,
    [userId],
  );
}

export async function updateAuthData(q: Queryable, userId: string, version: number, authData: string): Promise<boolean> {
  const r = await q.run(`UPDATE keyserver_backup_versions SET auth_data = $3 WHERE user_id = $1 AND version = $2 AND deleted = 0`, [
    userId,
    version,
    authData,
  ]);
  return r.changes === 1;
}

export function markDeleted(q: Queryable, userId: string, version: number) {
  return q.run(`UPDATE keyserver_backup_versions SET deleted = 1 WHERE user_id = $1 AND version = $2`, [userId, version]);
}

/** Bumps the etag (locking the row until commit); undefined when the version is not live. */
export function bumpEtag(q: Queryable, userId: string, version: number) {
  return q.get<{ etag: number }>(
    `UPDATE keyserver_backup_versions SET etag = etag + 1 WHERE user_id = $1 AND version = $2 AND deleted = 0 RETURNING etag`,
    [userId, version],
  );
}
