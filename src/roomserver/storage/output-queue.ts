// roomserver_output_queue: OutputRoomEvent messages stored but not yet known to be on the bus.
// A message is written in the same transaction as the events it describes, and deleted once the
// bus has acknowledged it, so a crash in between republishes it at the next start (the stream is
// at-least-once, consumers already tolerate a repeat). This table is the "sent to output" marker.
import type { Queryable } from '../../storage/types.ts';

export const OUTPUT_QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_output_queue (
  output_id {{INT64_PK}},
  room_nid BIGINT NOT NULL,
  message TEXT NOT NULL
)`;

export function insertOutput(q: Queryable, outputId: number, roomNid: number, message: string) {
  return q.run('INSERT INTO roomserver_output_queue (output_id, room_nid, message) VALUES ($1, $2, $3)', [outputId, roomNid, message]);
}

export function deleteOutputs(q: Queryable, placeholders: string, ids: readonly number[]) {
  return q.run(`DELETE FROM roomserver_output_queue WHERE output_id IN (${placeholders})`, ids);
}

/** Unsent messages in the order they were stored. */
export function selectUnsent(q: Queryable, afterId: number, limit: number) {
  return q.all<{ output_id: number; room_nid: number; message: string }>(
    'SELECT output_id, room_nid, message FROM roomserver_output_queue WHERE output_id > $1 ORDER BY output_id LIMIT $2',
    [afterId, limit],
  );
}

export async function maxOutputId(q: Queryable): Promise<number> {
  return (await q.get<{ m: number | null }>('SELECT MAX(output_id) AS m FROM roomserver_output_queue'))?.m ?? 0;
}
