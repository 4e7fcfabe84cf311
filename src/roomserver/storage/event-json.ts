// roomserver_event_json: every event's JSON, once, for the whole homeserver (DESIGN.md: readers
// fetch bodies through the room server's API). It holds the canonical JSON of the PDU exactly as
// it was hashed and signed, until a valid redaction replaces it with the redacted copy (see
// ../input/redaction.ts for why the original is not kept).
import type { Queryable } from '../../storage/types.ts';

export const EVENT_JSON_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_event_json (
  event_nid {{INT64_PK}},
  event_json TEXT NOT NULL
)`;

export function insertEventJson(q: Queryable, eventNid: number, json: string) {
  return q.run('INSERT INTO roomserver_event_json (event_nid, event_json) VALUES ($1, $2)', [eventNid, json]);
}

export function updateEventJson(q: Queryable, eventNid: number, json: string) {
  return q.run('UPDATE roomserver_event_json SET event_json = $2 WHERE event_nid = $1', [eventNid, json]);
}

export function selectEventJson(q: Queryable, placeholders: string, nids: readonly number[]) {
  return q.all<{ event_nid: number; event_json: string }>(
    `SELECT event_nid, event_json FROM roomserver_event_json WHERE event_nid IN (${placeholders})`,
    nids,
  );
}
