// Rule 1, "If type is m.room.create", in its three generations: v1–v10 (the content names the
// creator), v11 (the sender is the creator) and v12 (no room_id: the room ID is derived from the
// create event; `additional_creators` must be user IDs).

import type { EventView } from '../event.ts';
import { ROOM_VERSIONS, type RoomVersion } from '../room-versions.ts';
import { ALLOW, deny, type AuthResult } from './types.ts';
import { domainOf, isValidUserId } from './user-id.ts';

export function checkCreate(event: EventView, rv: RoomVersion): AuthResult {
  // 1.1 "If it has any prev_events, reject."
  if (event.prevEventIds.length > 0) return deny('m.room.create has prev_events');
  if (rv.roomIdFromCreateEvent) {
    // v12 1.2 "If the event has a room_id, reject." (The room ID is the event ID with sigil `!`.)
    if (event.json.room_id !== undefined) return deny('m.room.create has a room_id');
  } else {
    // 1.2 "If the domain of the room_id does not match the domain of the sender, reject."
    const roomDomain = domainOf(event.roomId);
    if (roomDomain === undefined || roomDomain !== domainOf(event.sender)) {
      return deny('the room_id domain does not match the sender domain');
    }
  }
  // 1.3 "If content.room_version is present and is not a recognised version, reject."
  if ('room_version' in event.content) {
    const version = event.content.room_version;
    if (typeof version !== 'string' || !ROOM_VERSIONS.has(version)) return deny('unknown content.room_version');
  }
  // v1–v10 1.4 "If content has no creator property, reject."
  if (!rv.creatorIsSender && !('creator' in event.content)) return deny('m.room.create has no content.creator');
  // v12 1.4 "If additional_creators is present in content and is not an array of strings where each
  // string passes the same user ID validation applied to sender, reject."
  if (rv.privilegedCreators && 'additional_creators' in event.content) {
    const extra = event.content.additional_creators;
    if (!Array.isArray(extra) || !extra.every((id) => isValidUserId(id))) {
      return deny('additional_creators is not an array of user IDs');
    }
  }
  return ALLOW;
}
