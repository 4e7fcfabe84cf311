// A room's power levels as the permission checks of the room endpoints read them (kick, ban,
// redact, directory and alias changes, upgrades), from the room's current state. The room server
// authorises every event again; these checks give the clearer 403 before anything is built, and
// cover actions that are not events (alias deletion, directory visibility).
import { forbidden } from '../../http/errors.ts';
import { EventType } from '../../protocol/constants.ts';
import { eventView } from '../../protocol/events/parse.ts';
import type { EventView } from '../../protocol/event.ts';
import { type RoomPowerLevels, roomPowerLevels, sendLevel, userLevel } from '../../protocol/power-levels.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { RoomsRoomserver } from '../context.ts';

export function viewOf(e: StoredEvent, version: RoomVersion): EventView {
  return eventView(e.json, version, e.eventId);
}

/** The current power levels of a room (its create event names the v12 creators). */
export async function currentPowerLevels(rs: Pick<RoomsRoomserver, 'currentState'>, roomId: string, version: RoomVersion): Promise<RoomPowerLevels> {
  const state = await rs.currentState(roomId, { types: [EventType.Create, EventType.PowerLevels] });
  const find = (type: string) => state.find((e) => e.json.type === type && e.json.state_key === '');
  const pl = find(EventType.PowerLevels);
  const create = find(EventType.Create);
  return roomPowerLevels(pl && viewOf(pl, version), create && viewOf(create, version), version);
}

/** Whether `userId` may send a state event of `type` by power level alone. */
export function canSendState(pl: RoomPowerLevels, userId: string, type: string): boolean {
  return userLevel(pl, userId) >= sendLevel(pl, type, true);
}

export function requireStateLevel(pl: RoomPowerLevels, userId: string, type: string, action: string): void {
  if (!canSendState(pl, userId, type)) throw forbidden(`You do not have a high enough power level to ${action}`);
}
