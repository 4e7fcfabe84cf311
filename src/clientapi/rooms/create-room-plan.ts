// POST /createRoom as a list of events (Client-Server API, createRoom): the create content, then
// the events "in the following order": the creator's join, power levels, the canonical alias,
// the preset's join rules / history visibility / guest access, initial_state, name and topic,
// then the invites. Pure: profiles are looked up by the caller.
import { MatrixError, invalidParam } from '../../http/errors.ts';
import { EventType, Membership, RoomPreset, type RoomPresetValue, RoomVisibility } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { parseUserId } from '../../protocol/identifiers.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { CreateRoomRequest, EventPrototype } from '../../roomserver/api.ts';
import { applyPowerLevelsOverride, choosePreset, defaultPowerLevels, presetState } from './presets.ts';

export interface InitialStateEvent {
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
}

/** The request body as its schema (routes/create_room.ts) leaves it. */
export interface CreateRoomBody {
  visibility?: 'public' | 'private';
  room_alias_name?: string;
  name?: string;
  topic?: string;
  invite?: string[];
  invite_3pid?: unknown[];
  room_version?: string;
  creation_content?: Record<string, unknown>;
  initial_state?: InitialStateEvent[];
  preset?: RoomPresetValue;
  is_direct?: boolean;
  power_level_content_override?: Record<string, unknown>;
}

export interface MemberProfile {
  displayname?: string;
  avatar_url?: string;
}

export interface CreatePlanInput {
  body: CreateRoomBody;
  creator: string;
  version: RoomVersion;
  serverName: string;
  /** Profiles of the creator and of local invitees, by user ID. */
  profiles: ReadonlyMap<string, MemberProfile>;
}

export interface CreatePlan {
  request: CreateRoomRequest;
  /** The full alias to map to the room once it exists. */
  alias?: string;
  /** Publish the room in the directory (`visibility: public`). */
  publish: boolean;
}

/** The profile fields a member event carries (only strings: a malformed profile is left out). */
export function profileContent(profile: MemberProfile | undefined): JsonObject {
  const out: JsonObject = {};
  if (typeof profile?.displayname === 'string') out.displayname = profile.displayname;
  if (typeof profile?.avatar_url === 'string') out.avatar_url = profile.avatar_url;
  return out;
}

/** `#name:server` from room_alias_name, which is only the localpart. */
export function aliasFromName(name: string, serverName: string): string {
  // The alias grammar forbids ':' and NUL in the localpart; whitespace is refused as Synapse does,
  // since such aliases cannot be typed or linked.
  if (name === '' || /[:\s\u0000#]/u.test(name) || !name.isWellFormed()) throw invalidParam('Invalid characters in room alias name');
  const alias = `#${name}:${serverName}`;
  if (Buffer.byteLength(alias, 'utf8') > 255) throw invalidParam('Room alias is longer than 255 bytes');
  return alias;
}

/** The invitees: valid user IDs, without duplicates or the creator. */
export function inviteesOf(invite: readonly string[] | undefined, creator: string): string[] {
  const out: string[] = [];
  for (const userId of invite ?? []) {
    if (!parseUserId(userId).ok) throw invalidParam(`${userId} is not a valid user ID`);
    if (userId !== creator && !out.includes(userId)) out.push(userId);
  }
  return out;
}

function createContentOf(body: CreateRoomBody, version: RoomVersion, trustedInvitees: string[]): JsonObject {
  // "The server will overwrite the following keys: creator, room_version" (the room server adds them).
  const { creator: _c, room_version: _v, ...content } = (body.creation_content ?? {}) as JsonObject;
  if (version.privilegedCreators) {
    const given = content.additional_creators;
    if (given !== undefined && (!Array.isArray(given) || !given.every((u) => typeof u === 'string' && parseUserId(u).ok))) {
      throw new MatrixError('M_BAD_JSON', 'creation_content.additional_creators must be a list of user IDs');
    }
    // trusted_private_chat: invitees SHOULD be appended to additional_creators, deduplicated.
    const merged = [...new Set([...((given as string[] | undefined) ?? []), ...trustedInvitees])];
    if (merged.length > 0) content.additional_creators = merged;
  }
  return content;
}

const stateKeyOf = (e: { type: string; state_key?: string }) => `${e.type}\u0000${e.state_key ?? ''}`;

export function planCreateRoom({ body, creator, version, serverName, profiles }: CreatePlanInput): CreatePlan {
  if (body.invite_3pid && body.invite_3pid.length > 0) {
    throw new MatrixError('M_UNKNOWN', 'Third-party invites (invite_3pid) are not supported by this server', { status: 400 });
  }
  const preset = choosePreset(body.preset, body.visibility);
  const presetEvents = presetState(preset);
  const invitees = inviteesOf(body.invite, creator);
  const trusted = preset === RoomPreset.TrustedPrivateChat ? invitees : [];
  const alias = body.room_alias_name !== undefined ? aliasFromName(body.room_alias_name, serverName) : undefined;

  const initial = new Map<string, InitialStateEvent>();
  for (const e of body.initial_state ?? []) {
    if (e.type === EventType.Create) throw invalidParam('initial_state cannot contain m.room.create');
    // Later entries win, as they would if sent in order; name and topic keys override them.
    initial.delete(stateKeyOf(e));
    initial.set(stateKeyOf(e), e);
  }
  if (body.name !== undefined) initial.delete(stateKeyOf({ type: EventType.Name }));
  if (body.topic !== undefined) initial.delete(stateKeyOf({ type: EventType.Topic }));

  const events: EventPrototype[] = [];
  const state = (type: string, content: JsonObject, stateKey = '') => events.push({ type, stateKey, content });

  state(EventType.Member, { membership: Membership.Join, ...profileContent(profiles.get(creator)) }, creator);
  // Power levels given in initial_state take step 3's place, as the default would (Synapse does
  // the same); the override applies to the generated default.
  const plKey = stateKeyOf({ type: EventType.PowerLevels });
  const givenLevels = initial.get(plKey);
  initial.delete(plKey);
  const generated = defaultPowerLevels({ creator, version, creatorLevelUsers: trusted });
  const createContent = createContentOf(body, version, version.privilegedCreators ? trusted : []);
  const creators = version.privilegedCreators ? [creator, ...((createContent.additional_creators as string[] | undefined) ?? [])] : [];
  state(
    EventType.PowerLevels,
    (givenLevels?.content as JsonObject) ?? applyPowerLevelsOverride(generated, body.power_level_content_override as JsonObject, creators),
  );
  if (alias !== undefined) state(EventType.CanonicalAlias, { alias });
  const presetPairs: [string, JsonObject][] = [
    [EventType.JoinRules, { join_rule: presetEvents.joinRule }],
    [EventType.HistoryVisibility, { history_visibility: presetEvents.historyVisibility }],
    [EventType.GuestAccess, { guest_access: presetEvents.guestAccess }],
  ];
  // initial_state "takes precedence over events set by preset".
  for (const [type, content] of presetPairs) if (!initial.has(stateKeyOf({ type }))) state(type, content);
  for (const e of initial.values()) state(e.type, e.content as JsonObject, e.state_key ?? '');
  if (body.name !== undefined) state(EventType.Name, { name: body.name });
  if (body.topic !== undefined) {
    // createRoom: "an m.room.topic event with a text/plain mimetype" (m.topic since v1.15).
    state(EventType.Topic, { topic: body.topic, 'm.topic': { 'm.text': [{ body: body.topic, mimetype: 'text/plain' }] } });
  }
  for (const userId of invitees) {
    const content: JsonObject = { membership: Membership.Invite, ...profileContent(profiles.get(userId)) };
    if (body.is_direct) content.is_direct = true;
    state(EventType.Member, content, userId);
  }

  return {
    request: {
      roomVersion: version.id,
      creator,
      createContent,
      initialEvents: events,
    },
    alias,
    publish: body.visibility === RoomVisibility.Public,
  };
}
