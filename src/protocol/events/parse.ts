// Turning received PDU JSON into an EventView: check it has the event format of its room version
// (Server-Server API, "Checks performed on receipt of a PDU", step 1: "Is a valid event, otherwise
// it is dropped"), that it respects the size limits (Client-Server API, "Size limits"), that v6+
// events are canonical JSON (rooms/v6, "Canonical JSON"), and compute its event ID. Signatures and
// the content hash are separate steps (./signatures.ts, ./hashes.ts): their failures are handled
// differently (dropped vs redacted).

import { CanonicalJsonError, canonicalJson } from '../canonical-json.ts';
import { EventType } from '../constants.ts';
import type { EventRef, EventView, JsonObject, PduJson } from '../event.ts';
import { byteLength, parseEventId, parseRoomId, parseUserId } from '../identifiers.ts';
import { roomVersion as lookupRoomVersion, type RoomVersion } from '../room-versions.ts';
import { eventIdFromReferenceInput, jsonOptions, referenceHashInput } from './hashes.ts';

export class InvalidEventError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidEventError';
  }
}

/** "The complete event MUST NOT be larger than 65536 bytes" as canonical JSON, signatures included. */
export const MAX_EVENT_BYTES = 65536;
/** `type` and `state_key` "MUST NOT exceed 255 bytes". */
export const MAX_KEY_BYTES = 255;
/** PDU schemas: prev_events "Must contain less than or equal to 20 events", auth_events 10. */
export const MAX_PREV_EVENTS = 20;
export const MAX_AUTH_EVENTS = 10;

export function resolveRoomVersion(version: string | RoomVersion): RoomVersion {
  if (typeof version !== 'string') return version;
  const found = lookupRoomVersion(version);
  if (found === undefined) throw new InvalidEventError(`unknown room version ${JSON.stringify(version)}`);
  return found;
}

/** Validates `json` as a PDU of `roomVersion` and returns its view. Throws InvalidEventError. */
export function parseEvent(json: unknown, roomVersion: string | RoomVersion): EventView {
  const version = resolveRoomVersion(roomVersion);
  const pdu = checkPduFormat(json, version);
  checkEventSize(pdu, version);
  const eventId =
    version.eventIdFormat === 'server'
      ? (pdu.event_id as string)
      : eventIdFromReferenceInput(referenceHashInput(pdu, version), version);
  return eventView(pdu, version, eventId);
}

/** Canonical JSON (strict from v6) of at most MAX_EVENT_BYTES; returns that JSON. Throws InvalidEventError. */
export function checkEventSize(pdu: PduJson, version: RoomVersion): string {
  let canonical: string;
  try {
    canonical = canonicalJson(pdu, jsonOptions(version));
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw new InvalidEventError(`event is not canonical JSON: ${err.message}`);
    throw err;
  }
  // Cheap bound first: UTF-8 never takes more than 3 bytes per UTF-16 code unit.
  if (canonical.length * 3 > MAX_EVENT_BYTES && byteLength(canonical) > MAX_EVENT_BYTES) {
    throw new InvalidEventError(`event is larger than ${MAX_EVENT_BYTES} bytes`);
  }
  return canonical;
}

/** The view of a PDU already known to be valid, with its event ID. */
export function eventView(pdu: PduJson, version: RoomVersion, eventId: string): EventView {
  // v12: the create event has no room_id; the room ID is its event ID with the `!` sigil.
  const roomId =
    typeof pdu.room_id === 'string'
      ? pdu.room_id
      : `!${eventId.slice(1)}`;
  const redacts = version.redactsInContent ? pdu.content.redacts : pdu.redacts;
  return {
    eventId,
    roomId,
    roomVersion: version.id,
    type: pdu.type,
    stateKey: pdu.state_key,
    sender: pdu.sender,
    content: pdu.content,
    originServerTs: pdu.origin_server_ts,
    depth: pdu.depth,
    prevEventIds: pdu.prev_events.map(refId),
    authEventIds: pdu.auth_events.map(refId),
    redacts: typeof redacts === 'string' ? redacts : undefined,
    json: pdu,
  };
}

const refId = (ref: EventRef): string => (typeof ref === 'string' ? ref : ref[0]);

/** The event format of the room version (the pdu_v1 … pdu_v12 schemas). Throws InvalidEventError. */
export function checkPduFormat(json: unknown, version: RoomVersion): PduJson {
  if (!isObject(json)) throw new InvalidEventError('event is not a JSON object');
  const e = json;
  const type = requireString(e, 'type');
  if (byteLength(type) > MAX_KEY_BYTES) throw new InvalidEventError(`type is longer than ${MAX_KEY_BYTES} bytes`);
  const sender = parseUserId(requireString(e, 'sender'));
  if (!sender.ok) throw new InvalidEventError(`sender: ${sender.reason}`);
  if (e.state_key !== undefined) {
    if (typeof e.state_key !== 'string') throw new InvalidEventError('state_key is not a string');
    if (byteLength(e.state_key) > MAX_KEY_BYTES) {
      throw new InvalidEventError(`state_key is longer than ${MAX_KEY_BYTES} bytes`);
    }
  }
  if (!isObject(e.content)) throw new InvalidEventError('content is not an object');
  requireInteger(e, 'origin_server_ts');
  if (requireInteger(e, 'depth') < 0) throw new InvalidEventError('depth is negative');
  if (!isObject(e.hashes) || typeof e.hashes.sha256 !== 'string') {
    throw new InvalidEventError('hashes.sha256 is not a string');
  }
  checkSignaturesShape(e.signatures);
  if (e.unsigned !== undefined && !isObject(e.unsigned)) throw new InvalidEventError('unsigned is not an object');
  checkRoomId(e, version);
  if (version.eventIdFormat === 'server') {
    const id = parseEventId(requireString(e, 'event_id'), 'server');
    if (!id.ok) throw new InvalidEventError(`event_id: ${id.reason}`);
  }
  checkRefs(e.prev_events, 'prev_events', MAX_PREV_EVENTS, version);
  checkRefs(e.auth_events, 'auth_events', MAX_AUTH_EVENTS, version);
  if (!version.redactsInContent && e.redacts !== undefined && typeof e.redacts !== 'string') {
    throw new InvalidEventError('redacts is not a string');
  }
  return e as PduJson;
}

function checkRoomId(e: JsonObject, version: RoomVersion): void {
  // rooms/v12: the create event carries no room_id (a present one is rejected by auth rule 1.2).
  if (version.roomIdFromCreateEvent && e.type === EventType.Create && e.room_id === undefined) return;
  const roomId = parseRoomId(requireString(e, 'room_id'), version);
  if (!roomId.ok) throw new InvalidEventError(`room_id: ${roomId.reason}`);
}

function checkRefs(value: unknown, field: string, max: number, version: RoomVersion): void {
  if (!Array.isArray(value)) throw new InvalidEventError(`${field} is not an array`);
  if (value.length > max) throw new InvalidEventError(`${field} has more than ${max} entries`);
  for (const ref of value) {
    let id: unknown = ref;
    if (version.eventIdFormat === 'server') {
      // v1–v2: [event_id, {sha256: reference hash}] pairs.
      if (!Array.isArray(ref) || ref.length !== 2 || !isObject(ref[1])) {
        throw new InvalidEventError(`${field} entries must be [event_id, hashes] pairs`);
      }
      id = ref[0];
    }
    if (typeof id !== 'string') throw new InvalidEventError(`${field} holds a non-string event ID`);
    const parsed = parseEventId(id, version.eventIdFormat);
    if (!parsed.ok) throw new InvalidEventError(`${field}: ${parsed.reason}`);
  }
}

function checkSignaturesShape(value: unknown): void {
  if (!isObject(value)) throw new InvalidEventError('signatures is not an object');
  for (const server of Object.values(value)) {
    if (!isObject(server) || !Object.values(server).every((s) => typeof s === 'string')) {
      throw new InvalidEventError('signatures must map server names to {key ID: signature string}');
    }
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(e: JsonObject, field: string): string {
  const value = e[field];
  if (typeof value !== 'string') throw new InvalidEventError(`${field} is missing or not a string`);
  return value;
}

function requireInteger(e: JsonObject, field: string): number {
  const value = e[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidEventError(`${field} is missing or not an integer`);
  }
  return value;
}
