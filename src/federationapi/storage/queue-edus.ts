// federationapi_queue_edus: EDUs waiting to be sent to a destination, in order. EDUs are not room
// events, so their JSON is kept here. Typing notifications expire: one that could not be sent in
// time is dropped rather than delivered late.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const QUEUE_EDUS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_queue_edus (
  id {{SERIAL_PK}},
  destination TEXT NOT NULL,
  edu_json TEXT NOT NULL,
  expires_ts BIGINT
);
CREATE INDEX IF NOT EXISTS federationapi_queue_edus_dest ON federationapi_queue_edus (destination, id)`;

export interface QueuedEdu {
  id: number;
  json: string;
  expiresTs: number | null;
}

export async function insertQueuedEdus(q: Queryable, destinations: readonly string[], json: string, expiresTs: number | null): Promise<void> {
  for (const d of destinations) {
    await q.run('INSERT INTO federationapi_queue_edus (destination, edu_json, expires_ts) VALUES ($1, $2, $3)', [d, json, expiresTs]);
  }
}

export async function selectQueuedEdus(q: Queryable, destination: string, limit: number): Promise<QueuedEdu[]> {
  const rows = await q.all<{ id: number; edu_json: string; expires_ts: number | null }>(
    'SELECT id, edu_json, expires_ts FROM federationapi_queue_edus WHERE destination = $1 ORDER BY id LIMIT $2',
    [destination, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), json: r.edu_json, expiresTs: r.expires_ts === null ? null : Number(r.expires_ts) }));
}

export async function deleteQueuedEdus(q: Queryable, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const part = ids.slice(i, i + 100);
    await q.run(`DELETE FROM federationapi_queue_edus WHERE id IN (${inList(1, part.length)})`, part);
  }
}

export async function deleteDestinationEdus(q: Queryable, destination: string): Promise<void> {
  await q.run('DELETE FROM federationapi_queue_edus WHERE destination = $1', [destination]);
}

export async function selectEduDestinations(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ destination: string }>('SELECT DISTINCT destination FROM federationapi_queue_edus');
  return rows.map((r) => r.destination);
}
