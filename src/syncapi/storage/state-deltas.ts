// syncapi_state_deltas: every change to a room's current state, at the stream position of the
// event that caused it: (type, state_key) went from old_nid to new_nid (NULL = absent). With the
// current state this gives the state at any position (undo the later deltas) and "the state
// between two positions" for /sync without asking the room server, event by event.
import { inList } from '../../storage/dialect.ts';
import type { Queryable, SqlValue } from '../../storage/types.ts';

export const STATE_DELTAS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_state_deltas (
  room_id TEXT NOT NULL,
  pos BIGINT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  old_nid BIGINT,
  new_nid BIGINT,
  PRIMARY KEY (room_id, pos, type, state_key)
)`;

export interface DeltaRow {
  roomId: string;
  pos: number;
  type: string;
  stateKey: string;
  oldNid: number | null;
  newNid: number | null;
}

type Raw = { room_id: string; pos: number; type: string; state_key: string; old_nid: number | null; new_nid: number | null };
const toRow = (r: Raw): DeltaRow => ({
  roomId: r.room_id,
  pos: Number(r.pos),
  type: r.type,
  stateKey: r.state_key,
  oldNid: r.old_nid === null ? null : Number(r.old_nid),
  newNid: r.new_nid === null ? null : Number(r.new_nid),
});

export async function insertDelta(q: Queryable, d: DeltaRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_state_deltas (room_id, pos, type, state_key, old_nid, new_nid) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (room_id, pos, type, state_key) DO UPDATE SET new_nid = excluded.new_nid`,
    [d.roomId, d.pos, d.type, d.stateKey, d.oldNid, d.newNid],
  );
}

export interface DeltaQuery {
  /** Only these (non-wildcard) types. */
  types?: string[];
  /** Only these state keys of `types[0]` (member events of some users). */
  stateKeys?: string[];
  /** Every type but this one. */
  exceptType?: string;
}

/** Deltas with lower < pos <= upper, oldest first, at most `limit`. */
export async function selectDeltas(
  q: Queryable,
  roomId: string,
  lower: number,
  upper: number,
  limit: number,
  only: DeltaQuery = {},
): Promise<DeltaRow[]> {
  const params: SqlValue[] = [roomId, lower, upper, limit];
  let sql = `SELECT room_id, pos, type, state_key, old_nid, new_nid FROM syncapi_state_deltas
    WHERE room_id = $1 AND pos > $2 AND pos <= $3`;
  if (only.types) {
    if (only.types.length === 0) return [];
    sql += ` AND type IN (${inList(params.length + 1, only.types.length)})`;
    params.push(...only.types);
  }
  if (only.exceptType !== undefined) {
    params.push(only.exceptType);
    sql += ` AND type <> $${params.length}`;
  }
  if (only.stateKeys) {
    if (only.stateKeys.length === 0) return [];
    sql += ` AND state_key IN (${inList(params.length + 1, only.stateKeys.length)})`;
    params.push(...only.stateKeys);
  }
  sql += ' ORDER BY pos ASC LIMIT $4';
  return (await q.all<Raw>(sql, params)).map(toRow);
}

export async function deleteRoomDeltas(q: Queryable, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_state_deltas WHERE room_id = $1`, [roomId]);
}
