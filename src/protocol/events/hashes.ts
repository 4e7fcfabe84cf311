// Content hashes, reference hashes and event IDs (Server-Server API, "Calculating the content hash
// for an event" and "Calculating the reference hash for an event"; rooms/v3 and v4 "Event IDs";
// rooms/v12 "Event format": the room ID is the create event's reference hash with a `!` sigil).

import { hash } from 'node:crypto';
import { encodeBase64, tryDecodeBase64 } from '../base64.ts';
import { canonicalJson, type CanonicalJsonOptions } from '../canonical-json.ts';
import type { EventRef, PduJson } from '../event.ts';
import { redactEvent } from '../redaction.ts';
import type { RoomVersion } from '../room-versions.ts';

/** Canonical JSON options for events of a room version: v1–v5 tolerate non-canonical numbers. */
export const jsonOptions = (version: RoomVersion): CanonicalJsonOptions => ({
  lenientNumbers: !version.strictCanonicalJson,
});

export function sha256(data: string | Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** What the content hash covers: the event without `unsigned`, `signatures` and `hashes`. */
export function contentHashInput(pdu: PduJson, version: RoomVersion): string {
  const { unsigned: _u, signatures: _s, hashes: _h, ...rest } = pdu;
  return canonicalJson(rest, jsonOptions(version));
}

/** The content hash, unpadded base64, as written in `hashes.sha256`. */
export function contentHash(pdu: PduJson, version: RoomVersion): string {
  return hash('sha256', contentHashInput(pdu, version), 'base64').replace(/=+$/, '');
}

/**
 * Whether `hashes.sha256` matches the event. The received hash is base64-decoded and compared as
 * bytes ("The content hash in the hashes property of the received event is base64-decoded, and the
 * two are compared for equality"), so padded base64 is fine too. A mismatch means the event must
 * be redacted before further processing.
 */
export function checkContentHash(pdu: PduJson, version: RoomVersion): boolean {
  const claimed = pdu.hashes?.sha256;
  if (typeof claimed !== 'string') return false;
  const bytes = tryDecodeBase64(claimed);
  if (bytes === undefined || bytes.length !== 32) return false;
  return Buffer.from(sha256(contentHashInput(pdu, version))).equals(bytes);
}

/**
 * What the reference hash covers: the redacted event without `signatures` and `unsigned`, as
 * canonical JSON. These are also exactly the bytes the origin server signs (the redacted event,
 * signed as JSON without `signatures` and `unsigned`), so signing and event IDs share them.
 */
export function referenceHashInput(pdu: PduJson, version: RoomVersion): string {
  const { signatures: _s, unsigned: _u, ...rest } = redactEvent(pdu, version);
  return canonicalJson(rest, jsonOptions(version));
}

export function referenceHash(pdu: PduJson, version: RoomVersion): Uint8Array {
  return sha256(referenceHashInput(pdu, version));
}

/** The event ID for a reference-hash input, in the room version's format (v3+ only). */
export function eventIdFromReferenceInput(input: string, version: RoomVersion): string {
  if (version.eventIdFormat === 'base64') return `$${hash('sha256', input, 'base64').replace(/=+$/, '')}`;
  if (version.eventIdFormat === 'urlsafe') return `$${hash('sha256', input, 'base64url')}`;
  throw new Error(`room version ${version.id} event IDs are chosen by the origin, not hashed`);
}

/**
 * The event's ID: `event_id` as written for room versions 1–2, the reference hash (base64 in v3,
 * URL-safe base64 from v4) otherwise.
 */
export function computeEventId(pdu: PduJson, version: RoomVersion): string {
  if (version.eventIdFormat === 'server') {
    if (typeof pdu.event_id !== 'string') throw new Error(`room version ${version.id} events carry their event_id`);
    return pdu.event_id;
  }
  return eventIdFromReferenceInput(referenceHashInput(pdu, version), version);
}

/** The room ID a v12 m.room.create event defines: `!` and its URL-safe reference hash. */
export function roomIdFromCreateEvent(createPdu: PduJson, version: RoomVersion): string {
  return `!${hash('sha256', referenceHashInput(createPdu, version), 'base64url')}`;
}

/**
 * How another event points at this one in prev_events / auth_events: v1–v2 write
 * `[event_id, { sha256: <reference hash> }]`, later versions only the event ID.
 */
export function eventReference(pdu: PduJson, version: RoomVersion): EventRef {
  if (version.eventIdFormat !== 'server') return computeEventId(pdu, version);
  return [computeEventId(pdu, version), { sha256: encodeBase64(referenceHash(pdu, version)) }];
}
