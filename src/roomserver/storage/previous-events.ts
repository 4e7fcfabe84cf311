// roomserver_previous_events: which stored events list an event ID in their prev_events. An
// event that something already points at is not a forward extremity when it arrives late.
import type { Queryable } from '../../storage/types.ts';

export const PREVIOUS_EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_previous_events (
  previous_event_id TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  PRIMARY KEY (previous_event_id, event_nid)
)`;

const INSERTS: string[] = [];

/** One statement for all of an event's prev_events (at most 20 per the PDU schema). */
export function insertPreviousEvents(q: Queryable, eventNid: number, prevIds: readonly string[]) {
  const n = prevIds.length;
  if (n === 0) return Promise.resolve({ changes: 0 });
  let sql = INSERTS[n];
  if (sql === undefined) {
    const values = prevIds.map((_, i) => `($${i + 2}, $1)`).join(', ');
    sql = INSERTS[n] = `INSERT INTO roomserver_previous_events (previous_event_id, event_nid) VALUES ${values} ON CONFLICT DO NOTHING`;
  }
  return q.run(sql, [eventNid, ...prevIds]);
}

export async function isReferenced(q: Queryable, eventId: string): Promise<boolean> {
  return (await q.get('SELECT 1 AS x FROM roomserver_previous_events WHERE previous_event_id = $1 LIMIT 1', [eventId])) !== undefined;
}
