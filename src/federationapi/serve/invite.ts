// PUT /invite (Server-Server API, "Inviting to a room"): another server asks us to countersign
// its invite of one of our users. The checks are the spec's ("servers SHOULD return
// M_INVALID_PARAM if" the signature check fails, the event is not an m.room.member invite, the
// sender is not on the origin server, the state key is not one of our users), plus the room's
// server ACL and the invitee's invite permission (M_INVITE_BLOCKED). When none of our users is
// in the room the invite is stored out of band, with the stripped room state the inviter sent, so
// the invitee sees it in /sync; otherwise it arrives again as a live event in a transaction.
import { MatrixError, invalidParam } from '../../http/errors.ts';
import { AccountDataType, EventType, Membership } from '../../protocol/constants.ts';
import type { JsonObject, PduJson } from '../../protocol/event.ts';
import { addEventSignature } from '../../protocol/events/build.ts';
import { computeEventId } from '../../protocol/events/hashes.ts';
import { InvalidEventError, parseEvent } from '../../protocol/events/parse.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { roomVersion as lookupVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import type { FederationContext } from '../context.ts';
import { checkPdu } from '../inbound/check-pdu.ts';
import { checkSigned, isResident } from './membership.ts';

export interface InviteRequest {
  roomId: string;
  eventId: string;
  origin: string;
  roomVersion: string;
  event: unknown;
  inviteRoomState: unknown;
}

/** Checks, countersigns and (when we are not in the room) stores the invite; returns the signed event. */
export async function receiveInvite(ctx: FederationContext, req: InviteRequest): Promise<PduJson> {
  const version = lookupVersion(req.roomVersion);
  if (!version) {
    throw new MatrixError('M_INCOMPATIBLE_ROOM_VERSION', `This server does not support room version ${req.roomVersion}`, {
      extra: { room_version: req.roomVersion },
    });
  }
  let view;
  try {
    view = parseEvent(req.event, version);
  } catch (e) {
    if (e instanceof InvalidEventError) throw invalidParam(`Invalid event: ${e.reason}`);
    throw e;
  }
  const pdu = view.json;
  const id = version.eventIdFormat === 'server' ? pdu.event_id : computeEventId(pdu, version);
  if (id !== req.eventId) throw invalidParam(`The event ID is ${id}, not ${req.eventId}`);
  if (view.roomId !== req.roomId) throw invalidParam(`The event is for room ${view.roomId}, not ${req.roomId}`);
  if (view.type !== EventType.Member || view.content.membership !== Membership.Invite) throw invalidParam('The event is not an invite');
  if (serverNameOf(view.sender) !== req.origin) throw invalidParam(`The sender is not a user of ${req.origin}`);
  const invitee = view.stateKey!;
  if (serverNameOf(invitee) !== ctx.serverName) throw invalidParam(`${invitee} is not a user of this server`);
  if (await ctx.roomserver.roomVersion(req.roomId)) await ctx.acl.check(req.roomId, req.origin);
  const permission = await ctx.userapi.getAccountData(invitee, '', AccountDataType.InvitePermissionConfig);
  if (permission?.default_action === 'block') throw new MatrixError('M_INVITE_BLOCKED', `${invitee} does not accept invites`);
  await checkSigned(ctx, pdu, version);
  const stripped = await strippedInviteState(ctx, version, req.roomId, req.inviteRoomState);

  const signed = addEventSignature(pdu, version, ctx.serverName, ctx.ourKeys.keyId, ctx.ourKeys.signer);
  if (!(await isResident(ctx, req.roomId))) {
    const unsigned: JsonObject = { ...(signed.unsigned as JsonObject | undefined), invite_room_state: stripped };
    await ctx.roomserver.inputOutOfBandMembership({ pdu: { ...signed, unsigned }, roomVersion: version.id });
  }
  return signed;
}

/**
 * The invite_room_state as stripped state events for clients. The spec's checks on it (a create
 * event, events of this room in the room version's format, validly signed) "SHOULD" fail room
 * versions 12 and later with M_INVALID_PARAM, while for 1–11 servers "SHOULD warn … rather than
 * error": there, entries are kept as they came (older servers send stripped events).
 */
async function strippedInviteState(ctx: FederationContext, version: RoomVersion, roomId: string, given: unknown): Promise<JsonObject[]> {
  const list = Array.isArray(given) ? given : [];
  const strict = version.roomIdFromCreateEvent;
  let sawCreate = false;
  const out: JsonObject[] = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const e = raw as JsonObject;
    try {
      const checked = await checkPdu(ctx.keyRing, e, version);
      if (checked.roomId !== roomId) throw new Error(`an event of room ${checked.roomId}`);
      if (checked.redacted) throw new Error('a content hash that does not match');
      if (e.type === EventType.Create) sawCreate = true;
    } catch (err) {
      if (strict) throw invalidParam(`invite_room_state holds an invalid event: ${(err as Error).message}`);
      ctx.log.info('invite_room_state entry not a valid event of the room', { roomId, error: (err as Error).message });
    }
    if (typeof e.type !== 'string' || typeof e.state_key !== 'string') continue;
    out.push({ type: e.type, state_key: e.state_key, content: (e.content ?? {}) as JsonObject, sender: e.sender as string });
  }
  if (strict && !sawCreate) throw invalidParam('invite_room_state must hold the m.room.create event');
  return out;
}
