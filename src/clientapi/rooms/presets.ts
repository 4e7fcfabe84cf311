// The presets of POST /createRoom (Client-Server API, "Creation", createRoom's preset table) and
// the default power levels a new room starts with.
import { EventType, GuestAccess, HistoryVisibility, JoinRule, RoomPreset, type RoomPresetValue, RoomVisibility } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';

export interface PresetState {
  joinRule: string;
  historyVisibility: string;
  guestAccess: string;
  /** trusted_private_chat: "All invitees are given the same power level as the room creator." */
  inviteesAreCreatorLevel: boolean;
}

const PRESETS: Record<RoomPresetValue, PresetState> = {
  [RoomPreset.PrivateChat]: {
    joinRule: JoinRule.Invite,
    historyVisibility: HistoryVisibility.Shared,
    guestAccess: GuestAccess.CanJoin,
    inviteesAreCreatorLevel: false,
  },
  [RoomPreset.TrustedPrivateChat]: {
    joinRule: JoinRule.Invite,
    historyVisibility: HistoryVisibility.Shared,
    guestAccess: GuestAccess.CanJoin,
    inviteesAreCreatorLevel: true,
  },
  [RoomPreset.PublicChat]: {
    joinRule: JoinRule.Public,
    historyVisibility: HistoryVisibility.Shared,
    guestAccess: GuestAccess.Forbidden,
    inviteesAreCreatorLevel: false,
  },
};

/** "If unspecified, the server should use the visibility to determine which preset to use." */
export function choosePreset(preset: RoomPresetValue | undefined, visibility: string | undefined): RoomPresetValue {
  if (preset) return preset;
  return visibility === RoomVisibility.Public ? RoomPreset.PublicChat : RoomPreset.PrivateChat;
}

export function presetState(preset: RoomPresetValue): PresetState {
  return PRESETS[preset];
}

/** The creator's level in room versions 1–11 (v12 creators have infinite power, not a number). */
export const CREATOR_LEVEL = 100;

export interface PowerLevelsInput {
  creator: string;
  version: RoomVersion;
  /** Users to give the creator's level (trusted_private_chat invitees, v1–11). */
  creatorLevelUsers: readonly string[];
}

/**
 * The default m.room.power_levels content (createRoom step 3). v1–11 list the creator at 100;
 * v12 lists no creator ("room creators … are not listed explicitly") and must require more than
 * state_default for m.room.tombstone, so that upgrading stays a creator's act.
 */
export function defaultPowerLevels({ creator, version, creatorLevelUsers }: PowerLevelsInput): JsonObject {
  const users: JsonObject = {};
  if (!version.privilegedCreators) {
    users[creator] = CREATOR_LEVEL;
    for (const u of creatorLevelUsers) users[u] = CREATOR_LEVEL;
  }
  return {
    users,
    users_default: 0,
    events: {
      [EventType.Name]: 50,
      [EventType.PowerLevels]: 100,
      [EventType.HistoryVisibility]: 100,
      [EventType.CanonicalAlias]: 50,
      [EventType.Avatar]: 50,
      [EventType.Tombstone]: version.privilegedCreators ? 150 : 100,
      [EventType.ServerAcl]: 100,
      [EventType.Encryption]: 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    // Inviting is a moderator's act by default, as in Synapse; rooms can lower it.
    invite: 50,
  };
}

/**
 * power_level_content_override "is applied on top of the generated content": top-level keys of
 * the override replace the generated ones (a `users` map given replaces the whole map, which is
 * how clients set exact levels).
 */
/**
 * `creators`: in room versions with privileged creators (v12), the room's creators. They have
 * infinite power and may not be listed in `users`, so an override that lists them (clients
 * written before v12 give the creator 100 or more) loses those entries rather than failing the
 * whole createRoom.
 */
export function applyPowerLevelsOverride(generated: JsonObject, override: JsonObject | undefined, creators: string[] = []): JsonObject {
  if (!override) return generated;
  const merged: JsonObject = { ...generated, ...override };
  const users = merged.users;
  if (creators.length > 0 && users && typeof users === 'object' && !Array.isArray(users)) {
    const kept = { ...(users as JsonObject) };
    for (const c of creators) delete kept[c];
    merged.users = kept;
  }
  return merged;
}
