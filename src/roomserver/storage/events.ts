// roomserver_events: one row per event the room server has, in the order it stored them
// (event_nid), with its JSON: every event's JSON, once, for the whole homeserver (DESIGN.md:
// readers fetch bodies through the room server's API). event_json is the canonical JSON of the
// PDU exactly as it was hashed and signed, until a valid redaction replaces it with the redacted
// copy (see ../input/redaction.ts for why the original is not kept). The JSON sits in the row
// rather than a table of its own: every read wants both, and one B-tree less per stored event
// is one page less per commit. state_before/after_nid are the state snapshots at the event
// (NULL for outliers, which have no known state); for a rejected event the state after is the
// state before.
import type { Queryable } from '../../storage/types.ts';

export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_events (
  event_nid {{INT64_PK}},
  room_nid BIGINT NOT NULL,
  event_type_nid BIGINT NOT NULL,
  -- NULL for events that are not state events.
  event_state_key_nid BIGINT,
  event_id TEXT NOT NULL UNIQUE,
  depth BIGINT NOT NULL,
  origin_server_ts BIGINT NOT NULL,
  state_before_nid BIGINT,
  state_after_nid BIGINT,
  is_outlier SMALLINT NOT NULL DEFAULT 0,
  is_rejected SMALLINT NOT NULL DEFAULT 0,
  -- Passed auth against its own state but not against the room's current state (Server-Server
  -- API, "Soft failure"): stored, never a forward extremity, never sent to clients.
  is_soft_failed SMALLINT NOT NULL DEFAULT 0,
  event_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS roomserver_events_room_ts_idx ON roomserver_events (room_nid, origin_server_ts)`;

export interface EventRow {
  event_nid: number;
  room_nid: number;
  event_type_nid: number;
  event_state_key_nid: number | null;
  event_id: string;
  depth: number;
  origin_server_ts: number;
  state_before_nid: number | null;
  state_after_nid: number | null;
  is_outlier: number;
  is_rejected: number;
  is_soft_failed: number;
}

const COLUMNS =
  'event_nid, room_nid, event_type_nid, event_state_key_nid, event_id, depth, origin_server_ts, state_before_nid, state_after_nid, is_outlier, is_rejected, is_soft_failed';

export function insertEvent(q: Queryable, e: EventRow, json: string) {
  return q.run(`INSERT INTO roomserver_events (${COLUMNS}, event_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
    e.event_nid,
    e.room_nid,
    e.event_type_nid,
    e.event_state_key_nid,
    e.event_id,
    e.depth,
    e.origin_server_ts,
    e.state_before_nid,
    e.state_after_nid,
    e.is_outlier,
    e.is_rejected,
    e.is_soft_failed,
    json,
  ]);
}

export function updateEventJson(q: Queryable, eventNid: number, json: string) {
  return q.run('UPDATE roomserver_events SET event_json = $2 WHERE event_nid = $1', [eventNid, json]);
}

/** An outlier that now arrives with its place in the DAG ('new' or 'old'): give it its state. */
export function updateDeOutlier(q: Queryable, e: EventRow) {
  return q.run(
    `UPDATE roomserver_events SET state_before_nid = $2, state_after_nid = $3, is_outlier = 0, is_rejected = $4,
       is_soft_failed = $5 WHERE event_nid = $1`,
    [e.event_nid, e.state_before_nid, e.state_after_nid, e.is_rejected, e.is_soft_failed],
  );
}

export interface FullEventRow extends EventRow {
  event_json: string;
  /** The validated redaction that pruned the event (the smallest ID if several). */
  redacted_because: string | null;
}

// Row, JSON and redaction in one round trip: this is the read path of every reader.
const FULL = `SELECT ${COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ')}, e.event_json,
  (SELECT MIN(r.redaction_event_id) FROM roomserver_redactions r WHERE r.redacts_event_id = e.event_id AND r.validated = 1)
    AS redacted_because
FROM roomserver_events e`;

export function selectFullEventsByNid(q: Queryable, placeholders: string, nids: readonly number[]) {
  return q.all<FullEventRow>(`${FULL} WHERE e.event_nid IN (${placeholders})`, nids);
}

export function selectFullEventsById(q: Queryable, placeholders: string, ids: readonly string[]) {
  return q.all<FullEventRow>(`${FULL} WHERE e.event_id IN (${placeholders})`, ids);
}

/** NIDs and rows of the given event IDs, without JSON (existence checks). */
export function selectEventsById(q: Queryable, placeholders: string, ids: readonly string[]) {
  return q.all<EventRow>(`SELECT ${COLUMNS} FROM roomserver_events WHERE event_id IN (${placeholders})`, ids);
}

/** The first event at or after `ts` ('f') or the last at or before it ('b') that clients saw. */
export function selectEventAtTimestamp(q: Queryable, roomNid: number, ts: number, dir: 'f' | 'b') {
  const visible = 'room_nid = $1 AND is_outlier = 0 AND is_rejected = 0 AND is_soft_failed = 0';
  const sql =
    dir === 'f'
      ? `SELECT event_id, origin_server_ts FROM roomserver_events WHERE ${visible} AND origin_server_ts >= $2
         ORDER BY origin_server_ts ASC, event_nid ASC LIMIT 1`
      : `SELECT event_id, origin_server_ts FROM roomserver_events WHERE ${visible} AND origin_server_ts <= $2
         ORDER BY origin_server_ts DESC, event_nid DESC LIMIT 1`;
  return q.get<{ event_id: string; origin_server_ts: number }>(sql, [roomNid, ts]);
}

export async function maxEventNid(q: Queryable): Promise<number> {
  return (await q.get<{ m: number | null }>('SELECT MAX(event_nid) AS m FROM roomserver_events'))?.m ?? 0;
}

export function selectEventRefs(q: Queryable, placeholders: string, nids: readonly number[]) {
  return q.all<{ event_nid: number; event_id: string; depth: number }>(
    `SELECT event_nid, event_id, depth FROM roomserver_events WHERE event_nid IN (${placeholders})`,
    nids,
  );
}
