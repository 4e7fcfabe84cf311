// Checks on events clients send, made before the room server builds them: the content size
// (Client-Server API, "Size limits": the whole event at most 65536 bytes, so content past that can
// never fit), tombstones that point at their own room, and who may redact what ("Redactions":
// one's own events at the m.room.redaction level, others' at the `redact` level; server
// administrators may redact events of users on their server).
import { MatrixError, badJson, forbidden, invalidParam, tooLarge } from '../../http/errors.ts';
import { EventType } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { MAX_EVENT_BYTES } from '../../protocol/events/parse.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { namedLevel, sendLevel, userLevel } from '../../protocol/power-levels.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { EventPrototype } from '../../roomserver/api.ts';
import type { RoomsContext } from '../context.ts';
import { currentPowerLevels } from './power.ts';

export function checkContentSize(content: unknown): void {
  if (Buffer.byteLength(JSON.stringify(content), 'utf8') > MAX_EVENT_BYTES) {
    throw tooLarge(`Event content is larger than ${MAX_EVENT_BYTES} bytes`);
  }
}

export function checkEventType(type: string): void {
  if (type === '') throw invalidParam('The event type is empty');
  if (Buffer.byteLength(type, 'utf8') > 255) throw tooLarge('The event type is longer than 255 bytes');
}

/** A tombstone must name another room (the upgrade's replacement). */
export function checkTombstone(roomId: string, type: string, content: Record<string, unknown>): void {
  if (type === EventType.Tombstone && content.replacement_room === roomId) {
    throw new MatrixError('M_BAD_JSON', 'A tombstone cannot name the room it is sent in as its replacement');
  }
}

/**
 * Whether `sender` may redact `eventId` in `roomId`: 400 when the event is in another room, 403
 * without the power to. An event this server does not have needs the `redact` level.
 */
export async function checkRedaction(ctx: RoomsContext, sender: string, roomId: string, version: RoomVersion, eventId: string): Promise<void> {
  if (!eventId.startsWith('$')) throw invalidParam(`${eventId} is not an event ID`);
  const [target] = await ctx.rooms.eventsById([eventId]);
  if (target && target.roomId !== roomId) throw invalidParam(`Event ${eventId} is not in room ${roomId}`);
  const pl = await currentPowerLevels(ctx.rooms, roomId, version);
  const level = userLevel(pl, sender);
  if (level < sendLevel(pl, EventType.Redaction, false)) throw forbidden('You do not have a high enough power level to redact events');
  if (target?.json.sender === sender || level >= namedLevel(pl, 'redact')) return;
  const theirs = target !== undefined && serverNameOf(target.json.sender) === ctx.serverName;
  if (theirs && (await ctx.userapi.isAdmin(sender))) return;
  throw forbidden("You do not have a high enough power level to redact other users' events");
}

/** The prototype of a redaction: the room server places `redacts` as the room version wants. */
export function redactionPrototype(eventId: string, content: JsonObject): EventPrototype {
  const { redacts: _r, ...rest } = content;
  return { type: EventType.Redaction, content: rest, redacts: eventId };
}

/** `content.redacts` of an m.room.redaction sent with PUT /send (v1.18: all room versions). */
export function redactsOf(content: Record<string, unknown>): string {
  if (typeof content.redacts !== 'string') throw badJson('An m.room.redaction event needs content.redacts, the event ID to redact');
  return content.redacts;
}
