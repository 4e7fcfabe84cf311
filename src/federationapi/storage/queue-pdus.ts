// federationapi_queue_pdus: our events waiting to be sent to a destination, in order. Only the
// room server's event NID is kept: the event JSON lives once, in the room server, and is fetched
// when the transaction is built (DESIGN.md, "Event JSON is stored once").
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const QUEUE_PDUS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_queue_pdus (
  id {{SERIAL_PK}},
  destination TEXT NOT NULL,
  event_nid BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS federationapi_queue_pdus_dest ON federationapi_queue_pdus (destination, id)`;

export interface QueuedPdu {
  id: number;
  eventNid: number;
}

export async function insertQueuedPdus(q: Queryable, destinations: readonly string[], eventNid: number): Promise<void> {
  for (const d of destinations) {
    await q.run('INSERT INTO federationapi_queue_pdus (destination, event_nid) VALUES ($1, $2)', [d, eventNid]);
  }
}

export async function selectQueuedPdus(q: Queryable, destination: string, limit: number): Promise<QueuedPdu[]> {
  const rows = await q.all<{ id: number; event_nid: number }>(
    'SELECT id, event_nid FROM federationapi_queue_pdus WHERE destination = $1 ORDER BY id LIMIT $2',
    [destination, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), eventNid: Number(r.event_nid) }));
}

export async function deleteQueuedPdus(q: Queryable, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const part = ids.slice(i, i + 100);
    await q.run(`DELETE FROM federationapi_queue_pdus WHERE id IN (${inList(1, part.length)})`, part);
  }
}

export async function deleteDestinationPdus(q: Queryable, destination: string): Promise<void> {
  await q.run('DELETE FROM federationapi_queue_pdus WHERE destination = $1', [destination]);
}

export async function selectPduDestinations(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ destination: string }>('SELECT DISTINCT destination FROM federationapi_queue_pdus');
  return rows.map((r) => r.destination);
}
