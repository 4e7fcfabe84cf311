// Power levels across a room upgrade (Client-Server API, "Room Upgrades", steps 3 and 6).
import type { JsonObject } from '../protocol/event.ts';
import { LEVEL_NAMES, userLevel, type RoomPowerLevels } from '../protocol/power-levels.ts';
import type { RoomVersion } from '../protocol/room-versions.ts';

/** What a user without any power gets when the power levels name nothing for them. */
const ADMIN = 100;

/**
 * The old room's power levels for the new room, written as plain integers (v10+ refuse strings),
 * with the upgrading user able to send every copied state event: `initial` raises them if
 * needed and `final` puts their old level back afterwards (as Synapse does). In v12 the upgrading
 * user creates the room, has infinite power and must not be listed in `users`.
 */
export function transferredPowerLevels(
  old: RoomPowerLevels,
  userId: string,
  rv: RoomVersion,
): { initial?: JsonObject; final?: JsonObject } {
  const parsed = old.content;
  if (!parsed) return {};
  const content: JsonObject = {};
  for (const name of LEVEL_NAMES) {
    const v = parsed.levels[name];
    if (v !== undefined) content[name] = v;
  }
  content.events = Object.fromEntries(parsed.events);
  if (parsed.notifications.size > 0) content.notifications = Object.fromEntries(parsed.notifications);
  const users: JsonObject = Object.fromEntries(parsed.users);
  if (rv.privilegedCreators) {
    delete users[userId];
    return { initial: { ...content, users } };
  }
  let needed = 0;
  for (const name of LEVEL_NAMES) needed = Math.max(needed, parsed.levels[name] ?? 0);
  for (const v of parsed.events.values()) needed = Math.max(needed, v);
  const had = userLevel(old, userId);
  // A v12 creator's infinite power becomes the usual admin level in a room without creators' privilege.
  const own = Number.isFinite(had) ? had : Math.max(ADMIN, needed);
  const initialUsers = { ...users, [userId]: Math.max(own, needed) };
  if (own >= needed) return { initial: { ...content, users: initialUsers } };
  return { initial: { ...content, users: initialUsers }, final: { ...content, users: { ...users, [userId]: own } } };
}

/** Step 6: "setting events_default and invite to the greater of 50 and users_default + 1". */
export function restrictedPowerLevels(current: JsonObject | undefined): JsonObject {
  const base = current ?? {};
  const usersDefault = typeof base.users_default === 'number' ? base.users_default : Number(base.users_default ?? 0) || 0;
  const level = Math.max(50, usersDefault + 1);
  return { ...base, events_default: level, invite: level };
}
