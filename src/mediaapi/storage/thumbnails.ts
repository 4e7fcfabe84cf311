// mediaapi_thumbnails: thumbnails made of a piece of media, keyed by the size and method they
// were made for. Their bytes sit in the same content-addressed store as the media.
import type { Queryable } from '../../storage/types.ts';
import type { ThumbnailMethod } from '../thumbnail/resize.ts';

export const CREATE_THUMBNAILS_TABLE = `
CREATE TABLE IF NOT EXISTS mediaapi_thumbnails (
  media_origin TEXT NOT NULL,
  media_id TEXT NOT NULL,
  -- The box asked for: "crop" fills it exactly, "scale" fits inside it.
  width BIGINT NOT NULL,
  height BIGINT NOT NULL,
  method TEXT NOT NULL,
  -- The image made.
  actual_width BIGINT NOT NULL,
  actual_height BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  file_size BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (media_origin, media_id, width, height, method)
);
`;

export interface ThumbnailRow {
  origin: string;
  mediaId: string;
  width: number;
  height: number;
  method: ThumbnailMethod;
  actualWidth: number;
  actualHeight: number;
  contentType: string;
  size: number;
  hash: string;
  createdTs: number;
}

interface Raw {
  media_origin: string;
  media_id: string;
  width: number;
  height: number;
  method: string;
  actual_width: number;
  actual_height: number;
  content_type: string;
  file_size: number;
  content_hash: string;
  created_ts: number;
}

const COLUMNS =
  'media_origin, media_id, width, height, method, actual_width, actual_height, content_type, file_size, content_hash, created_ts';

const fromRaw = (r: Raw): ThumbnailRow => ({
  origin: r.media_origin,
  mediaId: r.media_id,
  width: Number(r.width),
  height: Number(r.height),
  method: r.method as ThumbnailMethod,
  actualWidth: Number(r.actual_width),
  actualHeight: Number(r.actual_height),
  contentType: r.content_type,
  size: Number(r.file_size),
  hash: r.content_hash,
  createdTs: Number(r.created_ts),
});

/** Stores a thumbnail; a concurrent identical one already stored wins quietly. */
export async function insertThumbnail(db: Queryable, t: ThumbnailRow): Promise<void> {
  await db.run(`INSERT INTO mediaapi_thumbnails (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`, [
    t.origin,
    t.mediaId,
    t.width,
    t.height,
    t.method,
    t.actualWidth,
    t.actualHeight,
    t.contentType,
    t.size,
    t.hash,
    t.createdTs,
  ]);
}

export async function thumbnailsOf(db: Queryable, origin: string, mediaId: string): Promise<ThumbnailRow[]> {
  const rows = await db.all<Raw>(`SELECT ${COLUMNS} FROM mediaapi_thumbnails WHERE media_origin = $1 AND media_id = $2`, [origin, mediaId]);
  return rows.map(fromRaw);
}
