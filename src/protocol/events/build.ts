// Building our own events: assemble the PDU in the room version's format, add the content hash,
// sign the redacted copy, and (v3+) derive the event ID from the same bytes (Server-Server API,
// "Adding hashes and signatures to outgoing events"). The result always passes parseEvent.

import { encodeBase64, encodeBase64Url } from '../base64.ts';
import { CanonicalJsonError } from '../canonical-json.ts';
import { EventType } from '../constants.ts';
import type { EventRef, EventView, JsonObject, PduJson } from '../event.ts';
import { redactEvent } from '../redaction.ts';
import type { RoomVersion } from '../room-versions.ts';
import { signJson, withSignature } from '../signing/sign-json.ts';
import type { Signer } from '../signing/types.ts';
import { contentHash, eventIdFromReferenceInput, jsonOptions, referenceHashInput } from './hashes.ts';
import { checkEventSize, checkPduFormat, eventView, InvalidEventError, resolveRoomVersion } from './parse.ts';

export interface BuildEventInput {
  readonly roomVersion: string | RoomVersion;
  /** Omitted only for the m.room.create event of a v12 room, whose ID derives from it. */
  readonly roomId?: string;
  readonly sender: string;
  readonly type: string;
  readonly stateKey?: string;
  readonly content: JsonObject;
  /** v1–v2 need `[event_id, {sha256}]` pairs (see eventReference); later versions take IDs. */
  readonly prevEvents: readonly EventRef[];
  readonly authEvents: readonly EventRef[];
  readonly depth: number;
  readonly originServerTs: number;
  /** The redacted event; written top-level (v1–v10) or into content (v11+). */
  readonly redacts?: string;
  readonly unsigned?: JsonObject;
  /** v1–v2 only: the localpart of the `$localpart:origin` event ID; random when omitted. */
  readonly eventIdLocalpart?: string;
}

export interface BuiltEvent {
  readonly pdu: PduJson;
  readonly event: EventView;
  /** The canonical JSON of `pdu` (room version's number rules): the text to store and send. */
  readonly canonical: string;
}

/** Builds, hashes and signs an event as `origin` with `keyId`. Throws InvalidEventError if invalid. */
export function buildEvent(input: BuildEventInput, origin: string, keyId: string, signer: Signer): BuiltEvent {
  const version = resolveRoomVersion(input.roomVersion);
  const pdu: PduJson = {
    type: input.type,
    sender: input.sender,
    content: input.content,
    origin_server_ts: input.originServerTs,
    depth: input.depth,
    prev_events: input.prevEvents.map((ref) => formatRef(ref, version)),
    auth_events: input.authEvents.map((ref) => formatRef(ref, version)),
    hashes: { sha256: '' },
    signatures: {},
  };
  if (input.roomId !== undefined) pdu.room_id = input.roomId;
  else if (!(version.roomIdFromCreateEvent && input.type === EventType.Create)) {
    throw new TypeError(`roomId is required (room version ${version.id}, ${input.type})`);
  }
  if (input.stateKey !== undefined) pdu.state_key = input.stateKey;
  if (input.redacts !== undefined) {
    if (version.redactsInContent) pdu.content = { ...input.content, redacts: input.redacts };
    else pdu.redacts = input.redacts;
  }
  if (version.eventIdFormat === 'server') {
    pdu.event_id = `$${input.eventIdLocalpart ?? randomLocalpart()}:${origin}`;
  }
  checkPduFormat(pdu, version);
  const { pdu: signed, eventId } = hashAndSignChecked(pdu, version, origin, keyId, signer);
  if (input.unsigned !== undefined) signed.unsigned = input.unsigned;
  const canonical = checkEventSize(signed, version);
  return { pdu: signed, event: eventView(signed, version, eventId), canonical };
}

function hashAndSignChecked(...args: Parameters<typeof hashAndSign>): ReturnType<typeof hashAndSign> {
  try {
    return hashAndSign(...args);
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw new InvalidEventError(`event is not canonical JSON: ${err.message}`);
    throw err;
  }
}

/**
 * Sets `hashes.sha256` and signs as `serverName`: for a PDU we assembled, or a template from
 * make_join / make_knock that we complete. Returns the signed copy and its event ID.
 */
export function hashAndSign(
  pdu: PduJson,
  version: RoomVersion,
  serverName: string,
  keyId: string,
  signer: Signer,
): { pdu: PduJson; eventId: string } {
  const hashed: PduJson = { ...pdu, hashes: { sha256: contentHash(pdu, version) } };
  // The signed bytes (redacted, without signatures and unsigned) are the reference hash input too.
  const input = referenceHashInput(hashed, version);
  const signature = encodeBase64(signer.sign(Buffer.from(input, 'utf8')));
  hashed.signatures = withSignature(hashed.signatures ?? {}, serverName, keyId, signature);
  const eventId = version.eventIdFormat === 'server' ? (hashed.event_id as string) : eventIdFromReferenceInput(input, version);
  return { pdu: hashed, eventId };
}

/**
 * Adds `serverName`'s signature to an event another server built, leaving its hashes alone: the
 * invited server signing an invite, or the authorising server signing a restricted join.
 */
export function addEventSignature(
  pdu: PduJson,
  version: RoomVersion,
  serverName: string,
  keyId: string,
  signer: Signer,
): PduJson {
  const signedRedacted = signJson(redactEvent(pdu, version), serverName, keyId, signer, jsonOptions(version));
  const signature = signedRedacted.signatures[serverName]?.[keyId] as string;
  return { ...pdu, signatures: withSignature(pdu.signatures ?? {}, serverName, keyId, signature) };
}

function formatRef(ref: EventRef, version: RoomVersion): EventRef {
  if (version.eventIdFormat !== 'server') return typeof ref === 'string' ? ref : ref[0];
  if (typeof ref === 'string') {
    throw new TypeError(`room version ${version.id} references events as [event_id, {sha256}], got ${ref}`);
  }
  return ref;
}

function randomLocalpart(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}
