// mediaapi_media: one row per mxc:// URI we know, local uploads and cached remote media alike.
// A row with no content_hash is a reservation made by POST /_matrix/media/v1/create whose
// bytes have not arrived yet (Client-Server API, "Content repository", createContent).
import type { Queryable } from '../../storage/types.ts';

export const CREATE_MEDIA_TABLE = `
CREATE TABLE IF NOT EXISTS mediaapi_media (
  media_origin TEXT NOT NULL,
  media_id TEXT NOT NULL,
  content_type TEXT NOT NULL,
  file_size BIGINT NOT NULL,
  upload_name TEXT,
  -- Hex SHA-256 of the bytes, naming the file under base_path; NULL while awaiting an upload.
  content_hash TEXT,
  -- The local uploader; NULL for remote media.
  user_id TEXT,
  created_ts BIGINT NOT NULL,
  -- Reservations only: when the reservation lapses if nothing is uploaded.
  expires_ts BIGINT,
  -- 1 when stored while unauthenticated media was frozen (served by authenticated endpoints only).
  authenticated_only SMALLINT NOT NULL DEFAULT 0,
  PRIMARY KEY (media_origin, media_id)
);
CREATE INDEX IF NOT EXISTS mediaapi_media_user_idx ON mediaapi_media (user_id);
`;

export interface MediaRow {
  origin: string;
  mediaId: string;
  contentType: string;
  size: number;
  uploadName: string | null;
  hash: string | null;
  userId: string | null;
  createdTs: number;
  expiresTs: number | null;
  authenticatedOnly: boolean;
}

interface Raw {
  media_origin: string;
  media_id: string;
  content_type: string;
  file_size: number;
  upload_name: string | null;
  content_hash: string | null;
  user_id: string | null;
  created_ts: number;
  expires_ts: number | null;
  authenticated_only: number;
}

const COLUMNS =
  'media_origin, media_id, content_type, file_size, upload_name, content_hash, user_id, created_ts, expires_ts, authenticated_only';

const fromRaw = (r: Raw): MediaRow => ({
  origin: r.media_origin,
  mediaId: r.media_id,
  contentType: r.content_type,
  size: Number(r.file_size),
  uploadName: r.upload_name,
  hash: r.content_hash,
  userId: r.user_id,
  createdTs: Number(r.created_ts),
  expiresTs: r.expires_ts === null ? null : Number(r.expires_ts),
  authenticatedOnly: Number(r.authenticated_only) === 1,
});

/** Inserts a row; false when the URI already exists (remote media cached by a racing request). */
export async function insertMedia(db: Queryable, m: MediaRow): Promise<boolean> {
  const res = await db.run(
    `INSERT INTO mediaapi_media (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [m.origin, m.mediaId, m.contentType, m.size, m.uploadName, m.hash, m.userId, m.createdTs, m.expiresTs, m.authenticatedOnly ? 1 : 0],
  );
  return res.changes === 1;
}

export async function getMedia(db: Queryable, origin: string, mediaId: string): Promise<MediaRow | undefined> {
  const r = await db.get<Raw>(`SELECT ${COLUMNS} FROM mediaapi_media WHERE media_origin = $1 AND media_id = $2`, [origin, mediaId]);
  return r && fromRaw(r);
}

/** Fills a reservation with its bytes; false if it was already filled (or is gone). */
export async function completeReservation(
  db: Queryable,
  origin: string,
  mediaId: string,
  f: { contentType: string; size: number; uploadName: string | null; hash: string },
): Promise<boolean> {
  const res = await db.run(
    `UPDATE mediaapi_media SET content_type = $3, file_size = $4, upload_name = $5, content_hash = $6, expires_ts = NULL
     WHERE media_origin = $1 AND media_id = $2 AND content_hash IS NULL`,
    [origin, mediaId, f.contentType, f.size, f.uploadName, f.hash],
  );
  return res.changes === 1;
}

/** Bytes of everything the user has uploaded (for media quotas). */
export async function userUsage(db: Queryable, userId: string): Promise<number> {
  const r = await db.get<{ total: number | null }>(
    'SELECT SUM(file_size) AS total FROM mediaapi_media WHERE user_id = $1 AND content_hash IS NOT NULL',
    [userId],
  );
  return Number(r?.total ?? 0);
}

/** Reservations of the user not filled and not yet lapsed at `now`. */
export async function pendingReservations(db: Queryable, userId: string, now: number): Promise<number> {
  const r = await db.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM mediaapi_media WHERE user_id = $1 AND content_hash IS NULL AND expires_ts > $2',
    [userId, now],
  );
  return Number(r?.n ?? 0);
}

/** Forgets lapsed reservations; returns how many. */
export async function deleteLapsedReservations(db: Queryable, now: number): Promise<number> {
  const res = await db.run('DELETE FROM mediaapi_media WHERE content_hash IS NULL AND expires_ts <= $1', [now]);
  return res.changes;
}
