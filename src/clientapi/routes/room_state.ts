// Client-Server API, "Sending events to a room" (room_state.yaml):
// PUT /rooms/{roomId}/state/{eventType}/{stateKey}, and the forms without a state key ("Defaults
// to the empty string. When an empty string, the trailing slash on this endpoint is optional").
// Setting the state a room already has (same sender, same content) sends nothing and answers the
// current event, as SyTest's "Setting state twice is idempotent" expects. m.room.canonical_alias
// is checked (M_INVALID_PARAM, M_BAD_ALIAS); a tombstone may not name its own room.
import type { Requester } from '../../http/env.ts';
import { tooLarge } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType, Membership } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { checkCanonicalAlias } from '../rooms/aliases.ts';
import { checkContentSize, checkEventType, checkTombstone } from '../rooms/event-checks.ts';
import { removeGuestsIfForbidden } from '../rooms/guests.ts';
import { requireInvitable } from '../rooms/invite-permission.ts';
import { sameEvent } from '../rooms/member-events.ts';

export async function setRoomState(ctx: RoomsContext, requester: Requester, roomId: string, type: string, stateKey: string, content: JsonObject) {
  await knownRoom(ctx.rooms, roomId);
  checkEventType(type);
  if (Buffer.byteLength(stateKey, 'utf8') > 255) throw tooLarge('The state key is longer than 255 bytes');
  checkContentSize(content);
  checkTombstone(roomId, type, content);
  const current = await ctx.rooms.stateEvent(roomId, type, stateKey);
  if (type === EventType.CanonicalAlias && stateKey === '') await checkCanonicalAlias(ctx.rooms, roomId, content, current?.json.content);
  if (sameEvent(current, requester.userId, content)) return current.eventId;
  if (type === EventType.Member && content.membership === Membership.Invite) await requireInvitable(ctx, stateKey);
  const { eventId } = await ctx.rooms.sendEvent({ roomId, sender: requester.userId, event: { type, stateKey, content } });
  await removeGuestsIfForbidden(ctx, roomId, type, content);
  return eventId;
}

export function roomStateOps(ctx: RoomsContext): Operation[] {
  const spec = (path: string) => ({ method: 'PUT' as const, path, access: 'user-or-guest' as const, rateLimited: true, body: v.anyObject() });
  return [
    // PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
    op(spec('/rooms/:roomId/state/:eventType/:stateKey'), async function setRoomStateWithKey({ params, body, requester }) {
      return { event_id: await setRoomState(ctx, requester, params.roomId!, params.eventType!, params.stateKey!, body as JsonObject) };
    }),
    // PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType} (and with a trailing slash)
    ...['/rooms/:roomId/state/:eventType', '/rooms/:roomId/state/:eventType/'].map((path) =>
      op(spec(path), async function setRoomStateWithoutKey({ params, body, requester }) {
        return { event_id: await setRoomState(ctx, requester, params.roomId!, params.eventType!, '', body as JsonObject) };
      }),
    ),
  ];
}
