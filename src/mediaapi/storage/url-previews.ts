// mediaapi_url_previews: the last OpenGraph answer for each URL, so that every client in a room
// asking about the same link costs one fetch (GET /_matrix/client/v1/media/preview_url).
import type { Queryable } from '../../storage/types.ts';

export const CREATE_URL_PREVIEWS_TABLE = `
CREATE TABLE IF NOT EXISTS mediaapi_url_previews (
  url TEXT NOT NULL PRIMARY KEY,
  fetched_ts BIGINT NOT NULL,
  -- The JSON answer.
  preview TEXT NOT NULL
);
`;

export async function getPreview(db: Queryable, url: string, notBefore: number): Promise<Record<string, unknown> | undefined> {
  const r = await db.get<{ preview: string }>('SELECT preview FROM mediaapi_url_previews WHERE url = $1 AND fetched_ts >= $2', [url, notBefore]);
  return r && (JSON.parse(r.preview) as Record<string, unknown>);
}

export async function putPreview(db: Queryable, url: string, fetchedTs: number, preview: Record<string, unknown>): Promise<void> {
  await db.run(
    `INSERT INTO mediaapi_url_previews (url, fetched_ts, preview) VALUES ($1, $2, $3)
     ON CONFLICT (url) DO UPDATE SET fetched_ts = excluded.fetched_ts, preview = excluded.preview`,
    [url, fetchedTs, JSON.stringify(preview)],
  );
}

/** Forgets answers fetched before `before`; returns how many. */
export async function deleteOldPreviews(db: Queryable, before: number): Promise<number> {
  return (await db.run('DELETE FROM mediaapi_url_previews WHERE fetched_ts < $1', [before])).changes;
}
