// syncapi_output_room_events: one row per room event the room server output, in stream order.
// `pos` is the event's position in the global PDU stream (the `s<pdu>…` of sync tokens); `depth`
// with `pos` orders one room's history for /messages. The event JSON is not here: `event_nid` is
// the room server's ID, used to fetch the body through its API. The other columns are what the
// filters, history visibility, relations and threads need without the body.
import { inList } from '../../storage/dialect.ts';
import type { Queryable, SqlValue } from '../../storage/types.ts';
import type { SqlCondition } from '../sync/filter-sql.ts';

/** Builds a filter condition whose parameters start at `$first`. */
export type CondBuilder = (first: number) => SqlCondition;

export const OUTPUT_ROOM_EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_output_room_events (
  pos BIGINT NOT NULL PRIMARY KEY,
  room_id TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  sender TEXT NOT NULL,
  state_key TEXT,
  depth BIGINT NOT NULL,
  history_visibility TEXT NOT NULL,
  contains_url SMALLINT NOT NULL,
  rel_type TEXT,
  relates_to TEXT,
  txn_device_id TEXT,
  txn_id TEXT,
  replaces_nid BIGINT
);
CREATE INDEX IF NOT EXISTS syncapi_output_room_events_room_pos ON syncapi_output_room_events (room_id, pos);
CREATE INDEX IF NOT EXISTS syncapi_output_room_events_room_topo ON syncapi_output_room_events (room_id, depth, pos);
CREATE INDEX IF NOT EXISTS syncapi_output_room_events_relates ON syncapi_output_room_events (relates_to, pos)`;

export interface EventRow {
  pos: number;
  roomId: string;
  nid: number;
  eventId: string;
  type: string;
  sender: string;
  /** null for non-state events. */
  stateKey: string | null;
  depth: number;
  /** The visibility in force for this event (the more open one for visibility changes). */
  historyVisibility: string;
  containsUrl: boolean;
  relType: string | null;
  relatesTo: string | null;
  txnDeviceId: string | null;
  txnId: string | null;
  /** For state events: the NID of the event this one replaced in the room state. */
  replacesNid: number | null;
}

const COLUMNS = `pos, room_id, event_nid, event_id, type, sender, state_key, depth, history_visibility, contains_url,
  rel_type, relates_to, txn_device_id, txn_id, replaces_nid`;

type Raw = {
  pos: number;
  room_id: string;
  event_nid: number;
  event_id: string;
  type: string;
  sender: string;
  state_key: string | null;
  depth: number;
  history_visibility: string;
  contains_url: number;
  rel_type: string | null;
  relates_to: string | null;
  txn_device_id: string | null;
  txn_id: string | null;
  replaces_nid: number | null;
};

const toRow = (r: Raw): EventRow => ({
  pos: Number(r.pos),
  roomId: r.room_id,
  nid: Number(r.event_nid),
  eventId: r.event_id,
  type: r.type,
  sender: r.sender,
  stateKey: r.state_key,
  depth: Number(r.depth),
  historyVisibility: r.history_visibility,
  containsUrl: Number(r.contains_url) === 1,
  relType: r.rel_type,
  relatesTo: r.relates_to,
  txnDeviceId: r.txn_device_id,
  txnId: r.txn_id,
  replacesNid: r.replaces_nid === null ? null : Number(r.replaces_nid),
});

export async function insertEvent(q: Queryable, e: EventRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_output_room_events (${COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      e.pos,
      e.roomId,
      e.nid,
      e.eventId,
      e.type,
      e.sender,
      e.stateKey,
      e.depth,
      e.historyVisibility,
      e.containsUrl ? 1 : 0,
      e.relType,
      e.relatesTo,
      e.txnDeviceId,
      e.txnId,
      e.replacesNid,
    ],
  );
}

export async function selectByEventId(q: Queryable, eventId: string): Promise<EventRow | undefined> {
  const r = await q.get<Raw>(`SELECT ${COLUMNS} FROM syncapi_output_room_events WHERE event_id = $1`, [eventId]);
  return r && toRow(r);
}

export async function selectByEventIds(q: Queryable, eventIds: string[]): Promise<EventRow[]> {
  if (eventIds.length === 0) return [];
  const rows = await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_output_room_events WHERE event_id IN (${inList(1, eventIds.length)})`, eventIds);
  return rows.map(toRow);
}

/** Events of a room with lower < pos <= upper matching `cond`, newest first. */
export async function selectRecent(
  q: Queryable,
  roomId: string,
  lower: number,
  upper: number,
  limit: number,
  build: CondBuilder,
): Promise<EventRow[]> {
  const cond = build(5);
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_output_room_events
     WHERE room_id = $1 AND pos > $2 AND pos <= $3${cond.sql} ORDER BY pos DESC LIMIT $4`,
    [roomId, lower, upper, limit, ...cond.params],
  );
  return rows.map(toRow);
}

/** Whether a room has an event matching `cond` at or before `upper` (and after `lower`). */
export async function existsBetween(q: Queryable, roomId: string, lower: number, upper: number, build: CondBuilder): Promise<boolean> {
  const cond = build(4);
  const r = await q.get(
    `SELECT 1 AS x FROM syncapi_output_room_events WHERE room_id = $1 AND pos > $2 AND pos <= $3${cond.sql} LIMIT 1`,
    [roomId, lower, upper, ...cond.params],
  );
  return r !== undefined;
}

/** The last event of a room at or before stream position `upper`. */
export async function selectLastAtOrBefore(q: Queryable, roomId: string, upper: number): Promise<EventRow | undefined> {
  const r = await q.get<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_output_room_events WHERE room_id = $1 AND pos <= $2 ORDER BY pos DESC LIMIT 1`,
    [roomId, upper],
  );
  return r && toRow(r);
}

/**
 * One page of a room's history in topological order (depth, pos): backwards from just before
 * `from`, or forwards from `from` on; `to` bounds the other end (exclusive backwards, as a point).
 */
export async function selectTopological(
  q: Queryable,
  roomId: string,
  dir: 'b' | 'f',
  from: { depth: number; pos: number },
  to: { depth: number; pos: number } | undefined,
  limit: number,
  build: CondBuilder,
): Promise<EventRow[]> {
  const params: SqlValue[] = [roomId, from.depth, from.pos, limit];
  let bound = '';
  if (to) {
    params.push(to.depth, to.pos);
    bound = dir === 'b' ? ' AND (depth > $5 OR (depth = $5 AND pos >= $6))' : ' AND (depth < $5 OR (depth = $5 AND pos < $6))';
  }
  const cond = build(params.length + 1);
  params.push(...cond.params);
  const where =
    dir === 'b' ? '(depth < $2 OR (depth = $2 AND pos < $3))' : '(depth > $2 OR (depth = $2 AND pos >= $3))';
  const order = dir === 'b' ? 'depth DESC, pos DESC' : 'depth ASC, pos ASC';
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_output_room_events WHERE room_id = $1 AND ${where}${bound}${cond.sql}
     ORDER BY ${order} LIMIT $4`,
    params,
  );
  return rows.map(toRow);
}

/** Events relating to `parentId` (m.relates_to), filtered like selectTopological. */
export async function selectChildren(
  q: Queryable,
  roomId: string,
  parentIds: string[],
  opts: { relType?: string; eventType?: string; dir: 'b' | 'f'; from?: { depth: number; pos: number }; to?: { depth: number; pos: number }; limit: number },
): Promise<EventRow[]> {
  const params: SqlValue[] = [roomId, ...parentIds];
  let sql = `SELECT ${COLUMNS} FROM syncapi_output_room_events WHERE room_id = $1 AND relates_to IN (${inList(2, parentIds.length)})`;
  const p = () => `$${params.length}`;
  if (opts.relType !== undefined) {
    params.push(opts.relType);
    sql += ` AND rel_type = ${p()}`;
  }
  if (opts.eventType !== undefined) {
    params.push(opts.eventType);
    sql += ` AND type = ${p()}`;
  }
  const before = (t: { depth: number; pos: number }) => {
    params.push(t.depth);
    const d = p();
    params.push(t.pos);
    return `(depth < ${d} OR (depth = ${d} AND pos < ${p()}))`;
  };
  const atOrAfter = (t: { depth: number; pos: number }) => {
    params.push(t.depth);
    const d = p();
    params.push(t.pos);
    return `(depth > ${d} OR (depth = ${d} AND pos >= ${p()}))`;
  };
  if (opts.from) sql += ` AND ${opts.dir === 'b' ? before(opts.from) : atOrAfter(opts.from)}`;
  if (opts.to) sql += ` AND ${opts.dir === 'b' ? atOrAfter(opts.to) : before(opts.to)}`;
  params.push(opts.limit);
  sql += ` ORDER BY ${opts.dir === 'b' ? 'depth DESC, pos DESC' : 'depth ASC, pos ASC'} LIMIT ${p()}`;
  return (await q.all<Raw>(sql, params)).map(toRow);
}

export async function clearRelation(q: Queryable, eventId: string): Promise<void> {
  await q.run(
    `UPDATE syncapi_output_room_events SET rel_type = NULL, relates_to = NULL, contains_url = 0 WHERE event_id = $1`,
    [eventId],
  );
}

export async function deleteRoomEvents(q: Queryable, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_output_room_events WHERE room_id = $1`, [roomId]);
}

/** Thread roots of a room (events with m.thread children), latest activity first, before `before`. */
export async function selectThreadRoots(q: Queryable, roomId: string, before: number, limit: number): Promise<{ root: string; latest: number }[]> {
  const rows = await q.all<{ root: string; latest: number }>(
    `SELECT relates_to AS root, MAX(pos) AS latest FROM syncapi_output_room_events
     WHERE room_id = $1 AND rel_type = 'm.thread' GROUP BY relates_to HAVING MAX(pos) < $2 ORDER BY latest DESC LIMIT $3`,
    [roomId, before, limit],
  );
  return rows.map((r) => ({ root: r.root, latest: Number(r.latest) }));
}

export interface ThreadStats {
  count: number;
  latest: number;
  /** Whether `userId` replied in the thread. */
  participated: boolean;
}

/** Reply count, latest reply position and the user's participation of some threads. */
export async function selectThreadStats(q: Queryable, roomId: string, roots: string[], userId: string): Promise<Map<string, ThreadStats>> {
  if (roots.length === 0) return new Map();
  const rows = await q.all<{ root: string; n: number; latest: number; mine: number }>(
    `SELECT relates_to AS root, COUNT(*) AS n, MAX(pos) AS latest, MAX(CASE WHEN sender = $2 THEN 1 ELSE 0 END) AS mine
     FROM syncapi_output_room_events WHERE room_id = $1 AND rel_type = 'm.thread' AND relates_to IN (${inList(3, roots.length)})
     GROUP BY relates_to`,
    [roomId, userId, ...roots],
  );
  return new Map(rows.map((r) => [r.root, { count: Number(r.n), latest: Number(r.latest), participated: Number(r.mine) === 1 }]));
}

export async function selectByPositions(q: Queryable, positions: number[]): Promise<EventRow[]> {
  if (positions.length === 0) return [];
  const rows = await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_output_room_events WHERE pos IN (${inList(1, positions.length)})`, positions);
  return rows.map(toRow);
}

/** Each room's latest position (the notifier's starting point). */
export async function selectRoomPositions(q: Queryable): Promise<Map<string, number>> {
  const rows = await q.all<{ room_id: string; pos: number }>(`SELECT room_id, MAX(pos) AS pos FROM syncapi_output_room_events GROUP BY room_id`);
  return new Map(rows.map((r) => [r.room_id, Number(r.pos)]));
}
