// The resident server's half of the membership handshakes (Server-Server API, "Joining Rooms",
// "Knocking upon a room", "Leaving Rooms (Rejecting Invites)"): make_* hands out a template of
// the member event, send_* takes the signed event back, checks it ("servers SHOULD return
// M_INVALID_PARAM if" the signature check fails, the type is not m.room.member, the membership is
// not the expected one, the sender is not on the origin server, or the state key is not the
// sender), and inputs it as a live event that we send on to the other servers in the room.
import { MatrixError, forbidden, invalidParam, notFound } from '../../http/errors.ts';
import { EventType } from '../../protocol/constants.ts';
import type { JsonObject, PduJson } from '../../protocol/event.ts';
import { computeEventId } from '../../protocol/events/hashes.ts';
import { InvalidEventError, parseEvent } from '../../protocol/events/parse.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { roomVersion as lookupVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import type { FederationContext } from '../context.ts';
import { checkPdu, PduCheckError } from '../inbound/check-pdu.ts';

/** Whether one of our users is joined to the room: only then is our view of it current. */
export async function isResident(ctx: FederationContext, roomId: string): Promise<boolean> {
  const members = await ctx.roomserver.joinedMembers(roomId);
  return members.some((m) => serverNameOf(m) === ctx.serverName);
}

/** The room's version, when we are in the room and `origin` is not denied by its ACL. */
export async function residentRoom(ctx: FederationContext, roomId: string, origin: string): Promise<RoomVersion> {
  const id = await ctx.roomserver.roomVersion(roomId);
  const version = id ? lookupVersion(id) : undefined;
  if (!version || !(await isResident(ctx, roomId))) throw notFound(`Unknown room ${roomId}`);
  await ctx.acl.check(roomId, origin);
  return version;
}

/** 400 M_INCOMPATIBLE_ROOM_VERSION unless the asking server supports the room's version (`ver`, default ["1"]). */
export function requireSupported(version: RoomVersion, ver: readonly string[]): void {
  const supported = ver.length > 0 ? ver : ['1'];
  if (!supported.includes(version.id)) {
    throw new MatrixError('M_INCOMPATIBLE_ROOM_VERSION', `Your homeserver does not support room version ${version.id}, which this room needs`, {
      extra: { room_version: version.id },
    });
  }
}

export interface MakeRequest {
  roomId: string;
  userId: string;
  origin: string;
  membership: string;
  content?: JsonObject;
}

/** GET /make_{join,leave,knock}: the template, once the room and the user's server are checked. */
export async function makeMembership(ctx: FederationContext, version: RoomVersion, req: MakeRequest) {
  if (serverNameOf(req.userId) !== req.origin) throw forbidden(`${req.userId} is not a user of ${req.origin}`);
  const content: JsonObject = { ...req.content, membership: req.membership };
  const t = await ctx.roomserver.eventTemplate({ roomId: req.roomId, sender: req.userId, event: { type: EventType.Member, stateKey: req.userId, content } });
  return { room_version: t.roomVersion, event: t.event };
}

/** The signed member event of a send_* request, parsed and checked for its shape. */
export function parseMemberEvent(version: RoomVersion, body: unknown, req: { roomId: string; eventId: string; origin: string; membership: string }) {
  let view;
  try {
    view = parseEvent(body, version);
  } catch (e) {
    if (e instanceof InvalidEventError) throw invalidParam(`Invalid event: ${e.reason}`);
    throw e;
  }
  const pdu = view.json;
  const id = version.eventIdFormat === 'server' ? pdu.event_id : computeEventId(pdu, version);
  if (id !== req.eventId) throw invalidParam(`The event ID is ${id}, not ${req.eventId}`);
  if (view.roomId !== req.roomId) throw invalidParam(`The event is for room ${view.roomId}, not ${req.roomId}`);
  if (view.type !== EventType.Member) throw invalidParam('The event is not an m.room.member event');
  if (view.content.membership !== req.membership) throw invalidParam(`The membership is not ${req.membership}`);
  if (view.stateKey !== view.sender) throw invalidParam('The state_key is not the sender');
  if (serverNameOf(view.sender) !== req.origin) throw invalidParam(`The sender is not a user of ${req.origin}`);
  return { pdu, view };
}

/** Signatures and content hash: a member event we take in must be exactly what its server signed. */
export async function checkSigned(ctx: FederationContext, pdu: PduJson, version: RoomVersion): Promise<void> {
  try {
    const checked = await checkPdu(ctx.keyRing, pdu, version);
    if (checked.redacted) throw invalidParam('The content hash does not match');
  } catch (e) {
    if (e instanceof PduCheckError) throw invalidParam(e.message);
    throw e;
  }
}

/** Inputs the accepted member event as live, to be sent on as this server (but not back to its origin). */
export async function acceptMembership(ctx: FederationContext, pdu: PduJson): Promise<string> {
  const [r] = await ctx.roomserver.inputRoomEvents([{ kind: 'new', pdu, sendAsServer: ctx.serverName }]);
  switch (r!.status) {
    case 'accepted':
    case 'duplicate':
      return r!.eventId;
    case 'missing':
      throw invalidParam(`The event names events this server does not have: ${(r!.missing ?? []).join(', ')}`);
    default:
      throw forbidden(`The event is not allowed in the room: ${r!.reason ?? r!.status}`);
  }
}
