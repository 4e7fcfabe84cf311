// syncapi_presence: each user's latest presence (Client-Server API, "Presence"), at the position
// of the presence stream where it last changed.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const PRESENCE_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_presence (
  user_id TEXT NOT NULL PRIMARY KEY,
  presence TEXT NOT NULL,
  status_msg TEXT,
  last_active_ts BIGINT NOT NULL,
  pos BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS syncapi_presence_pos ON syncapi_presence (pos)`;

export interface PresenceRow {
  userId: string;
  presence: string;
  statusMsg: string | null;
  lastActiveTs: number;
  pos: number;
}

type Raw = { user_id: string; presence: string; status_msg: string | null; last_active_ts: number; pos: number };
const COLUMNS = 'user_id, presence, status_msg, last_active_ts, pos';
const toRow = (r: Raw): PresenceRow => ({
  userId: r.user_id,
  presence: r.presence,
  statusMsg: r.status_msg,
  lastActiveTs: Number(r.last_active_ts),
  pos: Number(r.pos),
});

export async function upsertPresence(q: Queryable, p: PresenceRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_presence (${COLUMNS}) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence, status_msg = excluded.status_msg,
       last_active_ts = excluded.last_active_ts, pos = excluded.pos`,
    [p.userId, p.presence, p.statusMsg, p.lastActiveTs, p.pos],
  );
}

export async function selectPresence(q: Queryable, userId: string): Promise<PresenceRow | undefined> {
  const r = await q.get<Raw>(`SELECT ${COLUMNS} FROM syncapi_presence WHERE user_id = $1`, [userId]);
  return r && toRow(r);
}

export async function selectPresences(q: Queryable, userIds: string[]): Promise<PresenceRow[]> {
  const out: PresenceRow[] = [];
  // Fixed-size batches: each distinct IN-list length is its own prepared statement.
  for (let i = 0; i < userIds.length; i += 100) {
    const batch = userIds.slice(i, i + 100);
    const rows = await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_presence WHERE user_id IN (${inList(1, batch.length)})`, batch);
    out.push(...rows.map(toRow));
  }
  return out;
}

/** Presence changes with lower < pos <= upper. */
export async function selectPresenceChanges(q: Queryable, lower: number, upper: number): Promise<PresenceRow[]> {
  const rows = await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_presence WHERE pos > $1 AND pos <= $2`, [lower, upper]);
  return rows.map(toRow);
}
