// roomserver_state_snapshots: the state of a room at some event, as the list of its state
// blocks, one per hash bucket (../state/snapshot.ts). A new state event makes a new snapshot that
// shares every block but one with the previous snapshot; equal block lists share one snapshot.
// Snapshot NID 0 means the empty state and has no row.
import type { Queryable } from '../../storage/types.ts';

export const STATE_SNAPSHOTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_state_snapshots (
  state_snapshot_nid {{INT64_PK}},
  room_nid BIGINT NOT NULL,
  snapshot_hash TEXT NOT NULL UNIQUE,
  entry_count BIGINT NOT NULL,
  -- The bucket's block NIDs in bucket order (0 = empty bucket), float64 little-endian.
  block_nids {{BLOB}} NOT NULL
)`;

export interface StateSnapshotRow {
  state_snapshot_nid: number;
  room_nid: number;
  entry_count: number;
  block_nids: Uint8Array;
}

export function insertStateSnapshot(q: Queryable, nid: number, roomNid: number, hash: string, count: number, blocks: Uint8Array) {
  return q.run(
    `INSERT INTO roomserver_state_snapshots (state_snapshot_nid, room_nid, snapshot_hash, entry_count, block_nids)
     VALUES ($1, $2, $3, $4, $5)`,
    [nid, roomNid, hash, count, blocks],
  );
}

export function selectStateSnapshots(q: Queryable, placeholders: string, nids: readonly number[]) {
  return q.all<StateSnapshotRow>(
    `SELECT state_snapshot_nid, room_nid, entry_count, block_nids FROM roomserver_state_snapshots WHERE state_snapshot_nid IN (${placeholders})`,
    nids,
  );
}

export async function selectStateSnapshotByHash(q: Queryable, hash: string): Promise<number | undefined> {
  return (await q.get<{ n: number }>('SELECT state_snapshot_nid AS n FROM roomserver_state_snapshots WHERE snapshot_hash = $1', [hash]))?.n;
}

export async function maxStateSnapshotNid(q: Queryable): Promise<number> {
  return (await q.get<{ m: number | null }>('SELECT MAX(state_snapshot_nid) AS m FROM roomserver_state_snapshots'))?.m ?? 0;
}
