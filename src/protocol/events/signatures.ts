// Which servers must have signed an event, and checking that they did (Server-Server API,
// "Validating hashes and signatures on received events"): the event is redacted, then checked for
// signatures from
//   - the sender's server, unless the event is a third-party invite (its sender must match the
//     invite, but it "may be a different server" that sends it);
//   - for room versions 1–2, the server in the event ID, if it differs;
//   - for restricted joins (v8+), the server of `join_authorised_via_users_server`: auth rule 4.2
//     (rooms/v8) requires the event to be "validly signed by the homeserver of the user ID denoted
//     by the key".
// Keys come from a lookup passed in, so this stays pure: callers fetch keys first (see
// requiredSigningServers) and answer from what they fetched.

import { EventType, Membership } from '../constants.ts';
import type { PduJson } from '../event.ts';
import { serverNameOf } from '../identifiers.ts';
import { redactEvent } from '../redaction.ts';
import type { RoomVersion } from '../room-versions.ts';
import { checkJsonSignatures, type SignatureCheck } from '../signing/sign-json.ts';
import type { Verifier } from '../signing/types.ts';
import { jsonOptions } from './hashes.ts';

/**
 * The verify key of `serverName` with `keyId`, raw or unpadded base64, or undefined when it is
 * unknown or expired. `validAt` is the event's origin_server_ts in room versions that enforce key
 * validity (v5+: valid_until_ts must be at least that), undefined where validity is ignored (v1–v4).
 */
export type KeyLookup = (serverName: string, keyId: string, validAt: number | undefined) => Uint8Array | string | undefined;

/** The servers whose signatures an event must carry, in a stable order, without repeats. */
export function requiredSigningServers(pdu: PduJson, version: RoomVersion): string[] {
  const servers = new Set<string>();
  const content = pdu.content ?? {};
  const isMember = pdu.type === EventType.Member;
  const thirdPartyInvite = isMember && content.membership === Membership.Invite && content.third_party_invite !== undefined;
  if (!thirdPartyInvite) addServerOf(servers, pdu.sender);
  if (version.eventIdFormat === 'server' && typeof pdu.event_id === 'string') addServerOf(servers, pdu.event_id);
  const authoriser = content.join_authorised_via_users_server;
  if (version.restrictedJoins && isMember && content.membership === Membership.Join && typeof authoriser === 'string') {
    addServerOf(servers, authoriser);
  }
  return [...servers];
}

function addServerOf(servers: Set<string>, id: string): void {
  const server = serverNameOf(id);
  if (server !== undefined && server !== '') servers.add(server);
}

export type EventSignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly server: string; readonly reason: string };

/**
 * Checks the signatures of every required server on the redacted event. Unknown or expired keys
 * are skipped; each required server needs at least one known key, and every known key's signature
 * must verify (Appendices, "Checking for a Signature").
 */
export function verifyEventSignatures(
  pdu: PduJson,
  version: RoomVersion,
  lookup: KeyLookup,
  verifier?: Verifier,
): EventSignatureCheck {
  const redacted = redactEvent(pdu, version);
  const validAt = version.enforceKeyValidity ? pdu.origin_server_ts : undefined;
  const options = { ...jsonOptions(version), verifier };
  for (const server of requiredSigningServers(pdu, version)) {
    const check: SignatureCheck = checkJsonSignatures(redacted, server, (keyId) => lookup(server, keyId, validAt), options);
    if (!check.ok) return { ok: false, server, reason: check.reason };
  }
  return { ok: true };
}
