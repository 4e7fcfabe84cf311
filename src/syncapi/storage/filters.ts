// syncapi_filters: filters uploaded with POST /user/{userId}/filter (Client-Server API,
// "Filtering"), kept as the JSON the client sent. Clients upload the same filter at every start,
// so an identical filter of the same user gets its existing ID back.
import type { Queryable } from '../../storage/types.ts';

export const FILTERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_filters (
  id {{SERIAL_PK}},
  user_id TEXT NOT NULL,
  filter TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS syncapi_filters_user ON syncapi_filters (user_id)`;

export async function insertFilter(q: Queryable, userId: string, filterJson: string): Promise<string> {
  const existing = await q.get<{ id: number }>(`SELECT id FROM syncapi_filters WHERE user_id = $1 AND filter = $2`, [userId, filterJson]);
  if (existing) return String(existing.id);
  const row = await q.get<{ id: number }>(`INSERT INTO syncapi_filters (user_id, filter) VALUES ($1, $2) RETURNING id`, [userId, filterJson]);
  return String(row!.id);
}

export async function selectFilter(q: Queryable, userId: string, filterId: string): Promise<string | undefined> {
  if (!/^\d{1,15}$/.test(filterId)) return undefined;
  const row = await q.get<{ filter: string }>(`SELECT filter FROM syncapi_filters WHERE user_id = $1 AND id = $2`, [userId, Number(filterId)]);
  return row?.filter;
}
