// syncapi_stream_positions: one counter per database-backed sync stream. A position is taken
// inside the transaction that writes the rows carrying it; on PostgreSQL the row lock is held to
// COMMIT, so positions of one stream become visible in increasing order (a reader that sees
// position n has seen every position below n), which /sync relies on.
import type { Queryable } from '../../storage/types.ts';

export const STREAM_POSITIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_stream_positions (
  stream TEXT NOT NULL PRIMARY KEY,
  pos BIGINT NOT NULL
)`;

/** The streams with a counter here (typing lives in memory, device lists with the key server). */
export type DbStream = 'pdu' | 'receipt' | 'invite' | 'toDevice' | 'accountData' | 'presence' | 'notification';

/** Reserves `count` positions and returns the last one (the first is `last - count + 1`). */
export async function nextPositions(q: Queryable, stream: DbStream, count = 1): Promise<number> {
  const row = await q.get<{ pos: number }>(
    `INSERT INTO syncapi_stream_positions (stream, pos) VALUES ($1, $2)
     ON CONFLICT (stream) DO UPDATE SET pos = syncapi_stream_positions.pos + $2 RETURNING pos`,
    [stream, count],
  );
  return Number(row!.pos);
}

export async function selectPositions(q: Queryable): Promise<Map<string, number>> {
  const rows = await q.all<{ stream: string; pos: number }>(`SELECT stream, pos FROM syncapi_stream_positions`);
  return new Map(rows.map((r) => [r.stream, Number(r.pos)]));
}
