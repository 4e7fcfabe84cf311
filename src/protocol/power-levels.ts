// m.room.power_levels as the authorisation rules read it: parsing per room version (v1–v5 accept
// numeric strings and floats, v6–v9 numeric strings, v10+ integers only), the defaults of the
// Client-Server API, and the room creators of room version 12, whose power level is infinite.
//
// Sources: Client-Server API "m.room.power_levels"; Server-Server API "Definitions" (invite level
// defaults to 0, kick/ban/redact to 50); room versions v1 "m.room.power_levels events accept values
// as strings" and "... as floats", v10 "Values in m.room.power_levels events must be integers",
// v12 "Authorisation rules" (room creators).

import type { EventView, JsonObject } from './event.ts';
import type { RoomVersion } from './room-versions.ts';
import { isValidUserId } from './auth/user-id.ts';

/** The integer-valued top-level properties and their defaults when absent or with no event. */
export const LEVEL_DEFAULTS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
} as const;
export type LevelName = keyof typeof LEVEL_DEFAULTS;
export const LEVEL_NAMES = Object.keys(LEVEL_DEFAULTS) as LevelName[];

/** Default for `notifications.room` (Client-Server API, m.room.power_levels). */
export const NOTIFICATIONS_ROOM_DEFAULT = 50;
/** A creator's level with no power levels event, room versions 1–11. */
export const CREATOR_DEFAULT_LEVEL = 100;

/** A parsed power levels content. Absent properties stay absent: the change rules (rule 10.3)
 *  look at what was "added, changed or removed", not at the effective values. */
export interface PowerLevelsContent {
  readonly levels: Readonly<Partial<Record<LevelName, number>>>;
  readonly users: ReadonlyMap<string, number>;
  readonly events: ReadonlyMap<string, number>;
  readonly notifications: ReadonlyMap<string, number>;
}

export type PowerLevelsParse = { ok: true; content: PowerLevelsContent } | { ok: false; reason: string };

// v1 "accept values as strings": optional whitespace, an optional sign, base-10 digits, optional
// whitespace. NOTSPEC: "whitespace" is JavaScript's \s (Unicode White_Space plus U+FEFF).
const STRINGY_INTEGER = /^\s*[+-]?[0-9]+\s*$/;

/** One power level value under the room version's rules; undefined if it is not a valid level. */
export function parsePowerLevelValue(value: unknown, rv: RoomVersion): number | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    // v1–v5 "accept values as floats": truncate; Infinity and NaN are rejected. v6+ enforce
    // canonical JSON, so a float cannot reach here in a valid event of those versions.
    if (!rv.strictCanonicalJson && Number.isFinite(value)) return Math.trunc(value);
    return undefined;
  }
  if (typeof value === 'string' && !rv.integerPowerLevels && STRINGY_INTEGER.test(value)) {
    return Number.parseInt(value.trim(), 10);
  }
  return undefined;
}

function parseLevelMap(
  value: unknown,
  rv: RoomVersion,
  name: string,
  strict: boolean,
): ReadonlyMap<string, number> | string {
  const out = new Map<string, number>();
  if (value === undefined) return out;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return strict ? `${name} is not an object` : out;
  }
  for (const [key, raw] of Object.entries(value)) {
    const level = parsePowerLevelValue(raw, rv);
    if (level === undefined) {
      if (strict) return `${name}[${JSON.stringify(key)}] is not a valid power level`;
      continue;
    }
    out.set(key, level);
  }
  return out;
}

/**
 * Parses power levels content. With `strict`, any malformed value fails the parse: that is how the
 * auth rules treat a new m.room.power_levels event (v10+ rules 10.1–10.3). Without it, malformed
 * values are skipped and their defaults apply, which is how an event already in the room is read.
 *
 * NOTSPEC: before v10 the rules only name `users`; a malformed `ban`, `events` etc. has no defined
 * meaning there, and Synapse and ruma both fail such an event, so strict parsing rejects it too.
 * v1–v5 do not check `notifications` at all (it joined the rules in v6), so there it is read leniently.
 */
export function parsePowerLevelsContent(content: JsonObject, rv: RoomVersion, strict = true): PowerLevelsParse {
  const levels: Partial<Record<LevelName, number>> = {};
  for (const name of LEVEL_NAMES) {
    if (!(name in content)) continue;
    const level = parsePowerLevelValue(content[name], rv);
    if (level === undefined) {
      if (strict) return { ok: false, reason: `${name} is not a valid power level` };
      continue;
    }
    levels[name] = level;
  }
  const users = parseLevelMap(content.users, rv, 'users', strict);
  if (typeof users === 'string') return { ok: false, reason: users };
  for (const userId of users.keys()) {
    if (!isValidUserId(userId)) {
      if (strict) return { ok: false, reason: `users key ${JSON.stringify(userId)} is not a valid user ID` };
      (users as Map<string, number>).delete(userId);
    }
  }
  const events = parseLevelMap(content.events, rv, 'events', strict);
  if (typeof events === 'string') return { ok: false, reason: events };
  const notifications = parseLevelMap(content.notifications, rv, 'notifications', strict && rv.notificationsPowerLevels);
  if (typeof notifications === 'string') return { ok: false, reason: notifications };
  return { ok: true, content: { levels, users, events, notifications } };
}

// Parsed contents are memoised per content object: auth checks during state resolution read the
// same power levels event thousands of times, and a room's `users` map can be large.
const contentCache = new WeakMap<object, { rv: string; content: PowerLevelsContent }>();

/** The power levels of an event already in the room (lenient parse, memoised). */
export function powerLevelsContentOf(event: EventView, rv: RoomVersion): PowerLevelsContent {
  const cached = contentCache.get(event.content);
  if (cached && cached.rv === rv.id) return cached.content;
  const parsed = parsePowerLevelsContent(event.content, rv, false);
  // A lenient parse never fails; the fallback only keeps the types honest.
  const content = parsed.ok ? parsed.content : { levels: {}, users: new Map(), events: new Map(), notifications: new Map() };
  contentCache.set(event.content, { rv: rv.id, content });
  return content;
}

const creatorsCache = new WeakMap<EventView, { rv: string; creators: ReadonlySet<string> }>();

/**
 * The room's creators. v1–v10: `content.creator` of m.room.create; v11: its `sender`; v12: its
 * `sender` plus every user ID in `content.additional_creators` (v12, "Authorisation rules").
 */
export function roomCreators(create: EventView | undefined, rv: RoomVersion): ReadonlySet<string> {
  if (!create) return new Set();
  const cached = creatorsCache.get(create);
  if (cached && cached.rv === rv.id) return cached.creators;
  const creators = new Set<string>();
  if (rv.creatorIsSender) creators.add(create.sender);
  else if (typeof create.content.creator === 'string') creators.add(create.content.creator);
  if (rv.privilegedCreators && Array.isArray(create.content.additional_creators)) {
    for (const id of create.content.additional_creators) if (typeof id === 'string') creators.add(id);
  }
  creatorsCache.set(create, { rv: rv.id, creators });
  return creators;
}

/** Everything needed to answer "what level does X have / need" in one room state. */
export interface RoomPowerLevels {
  /** undefined when the room has no m.room.power_levels event. */
  readonly content: PowerLevelsContent | undefined;
  readonly creators: ReadonlySet<string>;
  /** v12: creators have infinite power and cannot appear in `users`. */
  readonly privilegedCreators: boolean;
}

export function roomPowerLevels(
  powerLevels: EventView | undefined,
  create: EventView | undefined,
  rv: RoomVersion,
): RoomPowerLevels {
  return {
    content: powerLevels ? powerLevelsContentOf(powerLevels, rv) : undefined,
    creators: roomCreators(create, rv),
    privilegedCreators: rv.privilegedCreators,
  };
}

/** A user's power level; `Infinity` for a v12 room creator. */
export function userLevel(pl: RoomPowerLevels, userId: string): number {
  if (pl.privilegedCreators && pl.creators.has(userId)) return Infinity;
  if (pl.content) return pl.content.users.get(userId) ?? pl.content.levels.users_default ?? LEVEL_DEFAULTS.users_default;
  // "If the room contains no m.room.power_levels event, the room's creator has a power level of
  // 100, and all other users have a power level of 0" (v1–v11; v12 creators are handled above).
  return !pl.privilegedCreators && pl.creators.has(userId) ? CREATOR_DEFAULT_LEVEL : 0;
}

/** The level named by a top-level property (ban, kick, invite, redact, *_default). */
export function namedLevel(pl: RoomPowerLevels, name: LevelName): number {
  return pl.content?.levels[name] ?? LEVEL_DEFAULTS[name];
}

/** The *required power level* to send an event of this type (Server-Server API, "Definitions"). */
export function sendLevel(pl: RoomPowerLevels, eventType: string, isState: boolean): number {
  const explicit = pl.content?.events.get(eventType);
  if (explicit !== undefined) return explicit;
  return namedLevel(pl, isState ? 'state_default' : 'events_default');
}

/** The level for a `notifications` key (push rules' sender_notification_permission). Only `room`
 *  has a default in the spec; other keys are undefined unless the event sets them. */
export function notificationLevel(pl: RoomPowerLevels, key: string): number | undefined {
  return pl.content?.notifications.get(key) ?? (key === 'room' ? NOTIFICATIONS_ROOM_DEFAULT : undefined);
}
