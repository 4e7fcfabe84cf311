// Events as clients see them (Client-Server API, "Room Event Format" / "Client Event Format"):
// the client format keeps content, event_id, origin_server_ts, sender, type, state_key (and
// room_id outside /sync) and adds `unsigned` data computed here; the federation format
// (filter event_format) is the PDU with event_id and room_id. `event_fields` projects the result.
import type { JsonObject, JsonValue } from '../../protocol/event.ts';
import type { StoredEvent } from '../../roomserver/api.ts';

export interface FormatOptions {
  format: 'client' | 'federation';
  /** /sync omits room_id (ClientEventWithoutRoomID); other endpoints include it. */
  withRoomId: boolean;
  now: number;
  eventFields?: string[];
}

/** Server-computed additions to `unsigned`. */
export interface Unsigned {
  transactionId?: string;
  prevContent?: JsonObject;
  prevSender?: string;
  replacesState?: string;
  redactedBecause?: JsonObject;
  /** The requesting user's membership at the event (Client-Server API v1.11). */
  membership?: string;
}

export function formatEvent(ev: StoredEvent, opts: FormatOptions, extra: Unsigned = {}): JsonObject {
  const json = ev.json;
  const unsigned: JsonObject = { age: Math.max(0, opts.now - json.origin_server_ts) };
  if (extra.transactionId !== undefined) unsigned.transaction_id = extra.transactionId;
  if (extra.prevContent !== undefined) unsigned.prev_content = extra.prevContent;
  if (extra.prevSender !== undefined) unsigned.prev_sender = extra.prevSender;
  if (extra.replacesState !== undefined) unsigned.replaces_state = extra.replacesState;
  if (extra.redactedBecause !== undefined) unsigned.redacted_because = extra.redactedBecause;
  if (extra.membership !== undefined) unsigned.membership = extra.membership;
  // Stripped state that the inviting or knocked server attached stays with the event.
  for (const key of ['invite_room_state', 'knock_room_state'] as const) {
    const v = json.unsigned?.[key];
    if (v !== undefined) unsigned[key] = v;
  }

  let out: JsonObject;
  if (opts.format === 'federation') {
    out = { ...(json as unknown as JsonObject), event_id: ev.eventId, room_id: ev.roomId, unsigned };
  } else {
    out = {
      content: json.content,
      event_id: ev.eventId,
      origin_server_ts: json.origin_server_ts,
      sender: json.sender,
      type: json.type,
      unsigned,
    };
    if (json.state_key !== undefined) out.state_key = json.state_key;
    if (opts.withRoomId) out.room_id = ev.roomId;
    // Top-level `redacts` for every room version (v11 moved it into content), as clients read it.
    const redacts = json.redacts ?? (json.type === 'm.room.redaction' ? json.content.redacts : undefined);
    if (typeof redacts === 'string') out.redacts = redacts;
  }
  return opts.eventFields ? project(out, opts.eventFields) : out;
}

/** Splits `a.b\.c` into ['a', 'b.c'] (filter.yaml, event_fields: "\\." escapes a dot). */
export function splitField(field: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c === '\\' && field[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (c === '.') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Keeps only the listed fields (dot paths into objects); missing ones are skipped. */
export function project(ev: JsonObject, fields: string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const path = splitField(field);
    let src: JsonValue | undefined = ev;
    for (const key of path) {
      src = src !== null && typeof src === 'object' && !Array.isArray(src) ? (src as JsonObject)[key] : undefined;
      if (src === undefined) break;
    }
    if (src === undefined) continue;
    let dst = out;
    path.slice(0, -1).forEach((key) => {
      const next = dst[key];
      dst = (next !== null && typeof next === 'object' && !Array.isArray(next) ? next : (dst[key] = {})) as JsonObject;
    });
    dst[path[path.length - 1]!] = src;
  }
  return out;
}

/** Stripped state (Client-Server API, "Stripped state"): content, sender, state_key, type. */
export function strippedEvent(ev: StoredEvent): JsonObject {
  return { content: ev.json.content, sender: ev.json.sender, state_key: ev.json.state_key ?? '', type: ev.json.type };
}
