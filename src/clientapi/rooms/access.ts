// Who may read a room's state, and at which point (Client-Server API, GET /rooms/{roomId}/state,
// /state/{eventType}/{stateKey} and /members): joined users read the current state; users who
// have left read the state "when they left"; anyone reads a world_readable room's current state
// (history visibility module); everyone else gets 403. Banned users are refused too (SyTest
// expects 403 for them, as Synapse answers).
import { forbidden, invalidParam, notFound } from '../../http/errors.ts';
import { EventType, HistoryVisibility, Membership } from '../../protocol/constants.ts';
import { roomVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { RoomsRoomserver } from '../context.ts';

/** The point a reader sees: the current state, or the state after their leave event. */
export type StatePoint = { kind: 'current' } | { kind: 'at'; eventId: string };

/** Path room IDs start with "!" (aliases go through /join/{roomIdOrAlias} or the directory). */
export function checkRoomId(roomId: string): void {
  if (!roomId.startsWith('!')) throw invalidParam(`${roomId} is not a room ID`);
}

/** The room's version, or 404 when this server does not know the room. */
export async function knownRoom(rs: Pick<RoomsRoomserver, 'roomVersion'>, roomId: string): Promise<RoomVersion> {
  checkRoomId(roomId);
  const id = await rs.roomVersion(roomId);
  const version = id == null ? undefined : roomVersion(id);
  if (!version) throw notFound(`Unknown room ${roomId}`);
  return version;
}

export async function historyVisibility(rs: Pick<RoomsRoomserver, 'stateEvent'>, roomId: string): Promise<string> {
  const ev = await rs.stateEvent(roomId, EventType.HistoryVisibility, '');
  const value = ev?.json.content.history_visibility;
  // "By default if no history_visibility is set, or if the value is not understood, … shared".
  return typeof value === 'string' && (Object.values(HistoryVisibility) as string[]).includes(value) ? value : HistoryVisibility.Shared;
}

/** 403 unless the user is joined to the room now. */
export async function requireJoined(rs: Pick<RoomsRoomserver, 'membership'>, roomId: string, userId: string): Promise<void> {
  checkRoomId(roomId);
  const m = await rs.membership(roomId, userId);
  if (m?.membership !== Membership.Join) throw forbidden(`You are not joined to room ${roomId}`);
}

/** The state point the user may read, or 403 ("You aren't a member … and weren't previously"). */
export async function readableStatePoint(
  rs: Pick<RoomsRoomserver, 'membership' | 'stateEvent'>,
  roomId: string,
  userId: string,
): Promise<StatePoint> {
  checkRoomId(roomId);
  const m = await rs.membership(roomId, userId);
  if (m?.membership === Membership.Join) return { kind: 'current' };
  if (m?.membership === Membership.Leave) return { kind: 'at', eventId: m.eventId };
  if ((await historyVisibility(rs, roomId)) === HistoryVisibility.WorldReadable) return { kind: 'current' };
  throw forbidden(`You are not a member of room ${roomId}`);
}

export async function stateAt(
  rs: Pick<RoomsRoomserver, 'currentState' | 'stateAfterEvent'>,
  roomId: string,
  point: StatePoint,
  filter?: { types?: string[] },
): Promise<StoredEvent[]> {
  if (point.kind === 'current') return rs.currentState(roomId, filter);
  return (await rs.stateAfterEvent(point.eventId, filter)) ?? [];
}

export async function stateEventAt(
  rs: Pick<RoomsRoomserver, 'stateEvent' | 'stateAfterEvent'>,
  roomId: string,
  point: StatePoint,
  type: string,
  stateKey: string,
): Promise<StoredEvent | null> {
  if (point.kind === 'current') return rs.stateEvent(roomId, type, stateKey);
  const state = (await rs.stateAfterEvent(point.eventId, { types: [type] })) ?? [];
  return state.find((e) => e.json.state_key === stateKey) ?? null;
}
