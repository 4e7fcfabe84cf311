// roomserver_state_blocks: immutable, content-addressed pieces of room state. A block holds the
// (type NID, state key NID) -> event NID entries of one hash bucket of a room's state, packed as
// bytes (../state/block.ts). Blocks are shared by every snapshot whose bucket is unchanged, and
// deduplicated by the SHA-256 of their bytes.
import type { Queryable } from '../../storage/types.ts';

export const STATE_BLOCKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_state_blocks (
  state_block_nid {{INT64_PK}},
  block_hash TEXT NOT NULL UNIQUE,
  entry_count BIGINT NOT NULL,
  entries {{BLOB}} NOT NULL
)`;

export interface StateBlockRow {
  state_block_nid: number;
  entries: Uint8Array;
}

export function insertStateBlock(q: Queryable, nid: number, hash: string, count: number, entries: Uint8Array) {
  return q.run('INSERT INTO roomserver_state_blocks (state_block_nid, block_hash, entry_count, entries) VALUES ($1, $2, $3, $4)', [
    nid,
    hash,
    count,
    entries,
  ]);
}

export function selectStateBlocks(q: Queryable, placeholders: string, nids: readonly number[]) {
  return q.all<StateBlockRow>(`SELECT state_block_nid, entries FROM roomserver_state_blocks WHERE state_block_nid IN (${placeholders})`, nids);
}

export async function selectStateBlockByHash(q: Queryable, hash: string): Promise<number | undefined> {
  return (await q.get<{ n: number }>('SELECT state_block_nid AS n FROM roomserver_state_blocks WHERE block_hash = $1', [hash]))?.n;
}

export async function maxStateBlockNid(q: Queryable): Promise<number> {
  return (await q.get<{ m: number | null }>('SELECT MAX(state_block_nid) AS m FROM roomserver_state_blocks'))?.m ?? 0;
}
