// Stored events in the client format (Client-Server API, "Room event format", ClientEvent):
// content, event_id, origin_server_ts, room_id, sender, state_key, type, unsigned. Redacted
// events come pruned from the room server; unsigned.redacted_because carries the redaction
// ("Servers should include a copy of the m.room.redaction event under unsigned as redacted_because").
import type { JsonObject } from '../../protocol/event.ts';
import type { RoomserverApi, StoredEvent } from '../../roomserver/api.ts';

export interface ClientEvent {
  content: JsonObject;
  event_id: string;
  origin_server_ts: number;
  room_id: string;
  sender: string;
  state_key?: string;
  type: string;
  redacts?: string;
  unsigned?: JsonObject;
}

/** unsigned keys that describe the event to clients; the rest (age_ts, transaction_id) do not. */
const CLIENT_UNSIGNED = ['prev_content', 'prev_sender', 'replaces_state', 'invite_room_state', 'knock_room_state', 'm.relations'];

export function clientEvent(e: StoredEvent, now: number, redaction?: ClientEvent): ClientEvent {
  const j = e.json;
  const out: ClientEvent = {
    content: j.content,
    event_id: e.eventId,
    origin_server_ts: j.origin_server_ts,
    room_id: e.roomId,
    sender: j.sender,
    type: j.type,
  };
  if (j.state_key !== undefined) out.state_key = j.state_key;
  // v11+ keep `redacts` in the content; clients of older versions read it at the top level, and
  // servers commonly give both so one client code path works in every version.
  const redacts = typeof j.redacts === 'string' ? j.redacts : typeof j.content.redacts === 'string' ? j.content.redacts : undefined;
  if (redacts !== undefined) out.redacts = redacts;
  const unsigned: JsonObject = { age: Math.max(0, now - j.origin_server_ts) };
  for (const key of CLIENT_UNSIGNED) if (j.unsigned?.[key] !== undefined) unsigned[key] = j.unsigned[key]!;
  if (redaction) unsigned.redacted_because = redaction as unknown as JsonObject;
  out.unsigned = unsigned;
  return out;
}

/** Formats events, fetching the redactions of redacted ones in one batch. */
export async function clientEvents(rs: Pick<RoomserverApi, 'eventsById'>, events: StoredEvent[], now = Date.now()): Promise<ClientEvent[]> {
  const redactionIds = [...new Set(events.flatMap((e) => (e.redactedBecause ? [e.redactedBecause] : [])))];
  const redactions = new Map<string, ClientEvent>();
  if (redactionIds.length > 0) {
    for (const r of await rs.eventsById(redactionIds)) redactions.set(r.eventId, clientEvent(r, now));
  }
  return events.map((e) => clientEvent(e, now, e.redactedBecause ? redactions.get(e.redactedBecause) : undefined));
}
