// Room versions 1–12 as data: each version is a record of the few rules that differ.
// Sources: the room version pages of the spec (content/rooms/v1.md … v12.md).

export type EventIdFormat = 'server' | 'base64' | 'urlsafe';
export type StateResAlgorithm = 'v1' | 'v2' | 'v2.1';
/** Redaction algorithm generations: v1 (rooms 1–5), v6 (6–7), v8 (8), v9 (9–10), v11 (11–12). */
export type RedactionRules = 'v1' | 'v6' | 'v8' | 'v9' | 'v11';

export interface RoomVersion {
  readonly id: string;
  readonly stable: boolean;
  /** v1–v2: `$random:server` IDs in the JSON; v3: base64 reference hash; v4+: URL-safe base64. */
  readonly eventIdFormat: EventIdFormat;
  readonly stateRes: StateResAlgorithm;
  readonly redaction: RedactionRules;
  /** v5+: a signing key must be valid (valid_until_ts) at the event's origin_server_ts. */
  readonly enforceKeyValidity: boolean;
  /** v6+: canonical JSON is enforced: integers only, within [-(2^53)+1, 2^53-1]. */
  readonly strictCanonicalJson: boolean;
  /** v1–v5: m.room.aliases has its own auth rule (sender's domain must equal state_key). */
  readonly specialAliasesAuth: boolean;
  /** v1–v2: m.room.redaction has its own auth rule (rule 11: redact level, or the redacted event's ID
   *  has the redaction's event ID domain); from v3 redactions are checked when applied instead. */
  readonly redactionAuthRule: boolean;
  /** v6+: the `notifications` key of power levels is checked like the others. */
  readonly notificationsPowerLevels: boolean;
  /** v7+: `knock` membership and join rule. */
  readonly knocking: boolean;
  /** v8+: `restricted` join rule with `join_authorised_via_users_server`. */
  readonly restrictedJoins: boolean;
  /** v10+: `knock_restricted` join rule. */
  readonly knockRestricted: boolean;
  /** v10+: power level values must be integers (strings are rejected). */
  readonly integerPowerLevels: boolean;
  /** v11+: the create event has no `creator`; the sender is the creator. */
  readonly creatorIsSender: boolean;
  /** v11+: `redacts` lives in the content of m.room.redaction. */
  readonly redactsInContent: boolean;
  /** v12: room ID derived from the create event's reference hash; the create event carries no room_id
   *  and is not listed in auth_events. */
  readonly roomIdFromCreateEvent: boolean;
  /** v12: the creator(s) (sender of create + content.additional_creators) have infinite power. */
  readonly privilegedCreators: boolean;
}

const base = {
  stable: true,
  eventIdFormat: 'urlsafe',
  stateRes: 'v2',
  redaction: 'v1',
  enforceKeyValidity: false,
  strictCanonicalJson: false,
  specialAliasesAuth: true,
  redactionAuthRule: false,
  notificationsPowerLevels: false,
  knocking: false,
  restrictedJoins: false,
  knockRestricted: false,
  integerPowerLevels: false,
  creatorIsSender: false,
  redactsInContent: false,
  roomIdFromCreateEvent: false,
  privilegedCreators: false,
} as const satisfies Omit<RoomVersion, 'id'>;

const v1: RoomVersion = { ...base, id: '1', eventIdFormat: 'server', stateRes: 'v1', redactionAuthRule: true };
const v2: RoomVersion = { ...v1, id: '2', stateRes: 'v2' };
const v3: RoomVersion = { ...v2, id: '3', eventIdFormat: 'base64', redactionAuthRule: false };
const v4: RoomVersion = { ...v3, id: '4', eventIdFormat: 'urlsafe' };
const v5: RoomVersion = { ...v4, id: '5', enforceKeyValidity: true };
const v6: RoomVersion = {
  ...v5,
  id: '6',
  redaction: 'v6',
  strictCanonicalJson: true,
  specialAliasesAuth: false,
  notificationsPowerLevels: true,
};
const v7: RoomVersion = { ...v6, id: '7', knocking: true };
const v8: RoomVersion = { ...v7, id: '8', redaction: 'v8', restrictedJoins: true };
const v9: RoomVersion = { ...v8, id: '9', redaction: 'v9' };
const v10: RoomVersion = { ...v9, id: '10', knockRestricted: true, integerPowerLevels: true };
const v11: RoomVersion = { ...v10, id: '11', redaction: 'v11', creatorIsSender: true, redactsInContent: true };
const v12: RoomVersion = {
  ...v11,
  id: '12',
  stateRes: 'v2.1',
  roomIdFromCreateEvent: true,
  privilegedCreators: true,
};

export const ROOM_VERSIONS: ReadonlyMap<string, RoomVersion> = new Map(
  [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12].map((v) => [v.id, v]),
);

/** The spec's recommended default for new rooms (Room Versions, "Recommended room version"). */
export const DEFAULT_ROOM_VERSION = '12';

export function roomVersion(id: string): RoomVersion | undefined {
  return ROOM_VERSIONS.get(id);
}
