// Inviting another server's user to a room we are in (Server-Server API, "Inviting to a room"):
// the invite built from the current state and signed by us, sent to the invited user's server
// with the room's stripped state (invite_room_state), which signs it too; then the event, with
// both signatures, goes into the room as ours and is sent to the servers in the room.
import { MatrixError, forbidden } from '../../http/errors.ts';
import { canonicalJson } from '../../protocol/canonical-json.ts';
import { EventType, Membership } from '../../protocol/constants.ts';
import type { JsonObject, PduJson } from '../../protocol/event.ts';
import { jsonOptions } from '../../protocol/events/hashes.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { redactEvent } from '../../protocol/redaction.ts';
import { roomVersion as lookupVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import { checkJsonSignatures } from '../../protocol/signing/sign-json.ts';
import { isEd25519KeyId } from '../../protocol/signing/keys.ts';
import { sendInvite } from '../client/calls/invites.ts';
import type { FederationContext } from '../context.ts';
import { strippedStateEvents } from '../serve/stripped-state.ts';
import { completeTemplate } from './template.ts';

export interface PerformInviteRequest {
  roomId: string;
  sender: string;
  target: string;
  /** Content of the invite besides `membership` (reason, the invitee's profile if known). */
  content: JsonObject;
}

export async function performInvite(ctx: FederationContext, req: PerformInviteRequest): Promise<{ eventId: string }> {
  const server = serverNameOf(req.target);
  if (!server || server === ctx.serverName) throw new MatrixError('M_INVALID_PARAM', `${req.target} is not a user of another server`);
  const content: JsonObject = { ...req.content, membership: Membership.Invite };
  const t = await ctx.roomserver.eventTemplate({ roomId: req.roomId, sender: req.sender, event: { type: EventType.Member, stateKey: req.target, content } });
  const version = lookupVersion(t.roomVersion)!;
  const { pdu, eventId } = completeTemplate(ctx, t.event, version, content);
  const inviteRoomState = await strippedStateEvents(ctx, req.roomId, req.sender);
  const answer = await sendInvite(ctx.client, server, { roomId: req.roomId, eventId, roomVersion: version.id, event: pdu, inviteRoomState });
  const signed = await countersigned(ctx, server, version, pdu, answer);
  const [r] = await ctx.roomserver.inputRoomEvents([{ kind: 'new', pdu: signed, sendAsServer: ctx.serverName }]);
  if (r!.status !== 'accepted' && r!.status !== 'duplicate') throw forbidden(`The invite is not allowed in the room: ${r!.reason ?? r!.status}`);
  return { eventId };
}

/** Our event with the invited server's signature added, after checking that is all it changed. */
async function countersigned(ctx: FederationContext, server: string, version: RoomVersion, ours: PduJson, answer: unknown): Promise<PduJson> {
  const bad = (why: string) => new MatrixError('M_UNKNOWN', `${server} answered the invite with ${why}`, { status: 502 });
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) throw bad('no event');
  const theirs = answer as PduJson;
  const signedPart = (e: PduJson) => {
    const { signatures: _s, unsigned: _u, ...rest } = e;
    return canonicalJson(rest, jsonOptions(version));
  };
  if (signedPart(theirs) !== signedPart(ours)) throw bad('a different event');
  const sigs = theirs.signatures?.[server];
  const keyIds = Object.keys(sigs ?? {}).filter(isEd25519KeyId);
  if (keyIds.length === 0) throw bad('no signature of its own');
  await ctx.keyRing.ensure(server, keyIds, version.enforceKeyValidity ? ours.origin_server_ts : undefined);
  const check = checkJsonSignatures(redactEvent(theirs, version), server, (id) => ctx.keyRing.lookup(server, id, undefined), jsonOptions(version));
  if (!check.ok) throw bad(`a bad signature: ${check.reason}`);
  return { ...ours, signatures: { ...ours.signatures, [server]: sigs! } };
}
