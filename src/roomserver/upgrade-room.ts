// Room upgrades (Client-Server API, "Room Upgrades", Server behaviour): check the user may send
// m.room.tombstone, create the replacement room with `predecessor` and the old room's type,
// copy the transferable state (with the upgrading user's power ensured), move local aliases and
// the directory listing, tombstone the old room and restrict its power levels.
import { MatrixError } from '../http/errors.ts';
import { checkAuth } from '../protocol/auth/check-auth.ts';
import { AuthEventType, JoinRule, Membership } from '../protocol/auth/names.ts';
import { EventType, RoomVisibility } from '../protocol/constants.ts';
import { stateKeyOf, type EventView, type JsonObject } from '../protocol/event.ts';
import { roomPowerLevels } from '../protocol/power-levels.ts';
import type { RoomVersion } from '../protocol/room-versions.ts';
import type { EventPrototype } from './api.ts';
import type { RoomserverContext } from './context.ts';
import { createRoom, newRoomId } from './create-room.ts';
import { WriteBatch } from './input/batch.ts';
import { authPairs } from './input/build-event.ts';
import { lookupIn } from './input/check-auth.ts';
import { stateEvents } from './input/load.ts';
import { assertLocalUser, sendEvent } from './input/send-event.ts';
import { setVisibility, visibility } from './queries/directory.ts';
import { snapshotEvents } from './queries/state.ts';
import { versionOrThrow, type RoomInfo } from './room-info.ts';
import { moveAliases } from './storage/room-aliases.ts';
import { restrictedPowerLevels, transferredPowerLevels } from './upgrade-power-levels.ts';

/** Client-Server API, "Room Upgrades", step 3: the recommended state events to transfer. */
const TRANSFERRED = [
  EventType.ServerAcl,
  EventType.Encryption,
  EventType.Name,
  EventType.Avatar,
  EventType.Topic,
  EventType.GuestAccess,
  EventType.HistoryVisibility,
  AuthEventType.JoinRules,
  EventType.CanonicalAlias,
] as const;

export async function upgradeRoom(ctx: RoomserverContext, roomId: string, userId: string, newVersion: string): Promise<{ replacementRoom: string }> {
  const rv = versionOrThrow(newVersion);
  assertLocalUser(ctx, userId);
  const old = await ctx.rooms.require(roomId);
  await assertMaySend(ctx, old, userId, EventType.Tombstone);

  const get = async (type: string) => (await stateEvents(ctx, new WriteBatch(), old.snapshot, [[type, '']])).get(stateKeyOf(type, ''));
  const create = (await get(AuthEventType.Create))!;
  const createContent: JsonObject = { predecessor: { room_id: roomId } };
  if (typeof create.content.type === 'string') createContent.type = create.content.type;
  if (create.content['m.federate'] === false) createContent['m.federate'] = false;

  const oldPl = await get(AuthEventType.PowerLevels);
  const levels = transferredPowerLevels(roomPowerLevels(oldPl, create, old.version), userId, rv);
  const initialEvents: EventPrototype[] = [{ type: AuthEventType.Member, stateKey: userId, content: { membership: Membership.Join } }];
  if (levels.initial) initialEvents.push({ type: AuthEventType.PowerLevels, stateKey: '', content: levels.initial });
  for (const type of TRANSFERRED) {
    const e = await get(type);
    if (e) initialEvents.push({ type, stateKey: '', content: transferredContent(e, rv) });
  }
  const bans = await snapshotEvents(ctx, old.snapshot, [AuthEventType.Member]);
  for (const ban of bans) {
    if (ban.json.content.membership !== Membership.Ban || ban.json.state_key === undefined) continue;
    initialEvents.push({ type: AuthEventType.Member, stateKey: ban.json.state_key, content: { membership: Membership.Ban } });
  }
  if (levels.final) initialEvents.push({ type: AuthEventType.PowerLevels, stateKey: '', content: levels.final });

  const tombstone = (replacementRoom: string) =>
    sendEvent(ctx, {
      roomId,
      sender: userId,
      event: { type: EventType.Tombstone, stateKey: '', content: { body: 'This room has been replaced', replacement_room: replacementRoom } },
    });
  const req = { roomVersion: rv.id, creator: userId, createContent, initialEvents };
  let replacementRoom: string;
  if (rv.roomIdFromCreateEvent) {
    // The new room's ID is its create event's hash: it must exist before the tombstone names it.
    replacementRoom = (await createRoom(ctx, req)).roomId;
    await tombstone(replacementRoom);
  } else {
    // Name the new room first, so its predecessor can point at the tombstone: the old room's
    // last event, and the event clients follow from the new room back to the old.
    replacementRoom = newRoomId(ctx.serverName);
    const { eventId } = await tombstone(replacementRoom);
    (createContent.predecessor as JsonObject).event_id = eventId;
    await createRoom(ctx, req, replacementRoom);
  }
  await ctx.db.transaction((tx) => moveAliases(tx, roomId, replacementRoom));
  if ((await visibility(ctx, roomId)) === RoomVisibility.Public) {
    await setVisibility(ctx, replacementRoom, RoomVisibility.Public);
    await setVisibility(ctx, roomId, RoomVisibility.Private);
  }
  // Steps 4 and 6 are "if possible": a user who may tombstone but not change these keeps the upgrade.
  await bestEffort(ctx, 'old room canonical alias not cleared', async () => {
    if (await get(EventType.CanonicalAlias)) {
      await sendEvent(ctx, { roomId, sender: userId, event: { type: EventType.CanonicalAlias, stateKey: '', content: {} } });
    }
  });
  await bestEffort(ctx, 'old room power levels not restricted', async () => {
    const current = await get(AuthEventType.PowerLevels);
    const content = restrictedPowerLevels(current?.content);
    await sendEvent(ctx, { roomId, sender: userId, event: { type: AuthEventType.PowerLevels, stateKey: '', content } });
  });
  return { replacementRoom: replacementRoom };
}

/** Step 1, "Checks that the user has permission to send m.room.tombstone events in the room". */
async function assertMaySend(ctx: RoomserverContext, room: RoomInfo, userId: string, type: string): Promise<void> {
  const probe: EventView = {
    eventId: '$upgrade-permission-check',
    roomId: room.roomId,
    roomVersion: room.version.id,
    type,
    stateKey: '',
    sender: userId,
    content: {},
    originServerTs: ctx.now(),
    depth: 0,
    prevEventIds: [],
    authEventIds: [],
    redacts: undefined,
    json: { type, sender: userId, content: {}, origin_server_ts: 0, depth: 0, prev_events: [], auth_events: [], hashes: { sha256: '' }, signatures: {} },
  };
  const state = await stateEvents(ctx, new WriteBatch(), room.snapshot, authPairs(probe, room));
  const result = checkAuth(probe, lookupIn(state), room.version, ctx.verifier);
  if (!result.allowed) throw new MatrixError('M_FORBIDDEN', `you may not upgrade this room: ${result.reason}`);
}

/** A transferred state event's content, fitted to the new room. */
function transferredContent(e: EventView, rv: RoomVersion): JsonObject {
  if (e.type !== AuthEventType.JoinRules) return e.content;
  const rule = e.content.join_rule;
  const supported =
    rule === JoinRule.Public ||
    rule === JoinRule.Invite ||
    (rule === JoinRule.Knock && rv.knocking) ||
    (rule === JoinRule.Restricted && rv.restrictedJoins) ||
    (rule === JoinRule.KnockRestricted && rv.knockRestricted);
  // A join rule the new version lacks falls back to invite-only rather than failing the upgrade.
  // A restricted allow list is copied as it is: members of the rooms it names are still members.
  return supported ? e.content : { join_rule: JoinRule.Invite };
}

async function bestEffort(ctx: RoomserverContext, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof MatrixError)) throw err;
    ctx.log.info(what, { reason: err.message });
  }
}
