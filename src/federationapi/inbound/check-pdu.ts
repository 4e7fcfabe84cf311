// The checks on a PDU received from another server that are ours to make (Server-Server API,
// "Checks performed on receipt of a PDU", steps 1–3): a valid event of the room version, signed
// by every server that must sign it (keys from the key ring, valid at origin_server_ts in v5+),
// and a content hash that matches, else it is redacted ("Validating hashes and signatures on
// received events"). Auth (steps 4–6) is the room server's.
import type { PduJson } from '../../protocol/event.ts';
import { checkContentHash } from '../../protocol/events/hashes.ts';
import { InvalidEventError, parseEvent } from '../../protocol/events/parse.ts';
import { requiredSigningServers, verifyEventSignatures } from '../../protocol/events/signatures.ts';
import { redactEvent } from '../../protocol/redaction.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { isEd25519KeyId } from '../../protocol/signing/keys.ts';
import type { KeyRing } from '../keys/key-ring.ts';

export class PduCheckError extends Error {
  constructor(
    readonly eventId: string | undefined,
    reason: string,
  ) {
    super(reason);
    this.name = 'PduCheckError';
  }
}

export interface CheckedPdu {
  eventId: string;
  roomId: string;
  /** The PDU to store: redacted when its content hash did not match. */
  pdu: PduJson;
  redacted: boolean;
}

export async function checkPdu(keyRing: KeyRing, json: unknown, version: RoomVersion): Promise<CheckedPdu> {
  let view;
  try {
    view = parseEvent(json, version);
  } catch (e) {
    if (e instanceof InvalidEventError) throw new PduCheckError(undefined, `invalid event: ${e.reason}`);
    throw e;
  }
  const pdu = view.json;
  const validAt = version.enforceKeyValidity ? pdu.origin_server_ts : undefined;
  await Promise.all(
    requiredSigningServers(pdu, version).map((server) => {
      const keyIds = Object.keys(pdu.signatures?.[server] ?? {}).filter(isEd25519KeyId);
      return keyRing.ensure(server, keyIds, validAt);
    }),
  );
  const sigs = verifyEventSignatures(pdu, version, (server, keyId, at) => keyRing.lookup(server, keyId, at));
  if (!sigs.ok) throw new PduCheckError(view.eventId, `bad signature from ${sigs.server}: ${sigs.reason}`);
  if (checkContentHash(pdu, version)) return { eventId: view.eventId, roomId: view.roomId, pdu, redacted: false };
  return { eventId: view.eventId, roomId: view.roomId, pdu: redactEvent(pdu, version), redacted: true };
}
