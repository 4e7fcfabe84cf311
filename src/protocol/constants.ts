// Spec strings as constants, so no event type, membership or rule value is spelt out across the
// code base (STYLE.md, "Names"). The auth-rule subset lives in ./auth/names.ts next to the rules
// that read it; it is spread in here so there is one spelling of each string.

import { AuthEventType, JoinRule, Membership } from './auth/names.ts';

export { JoinRule, Membership };
export type MembershipValue = (typeof Membership)[keyof typeof Membership];
export type JoinRuleValue = (typeof JoinRule)[keyof typeof JoinRule];

/** Room event types (Client-Server API, "Events" and its modules). */
export const EventType = {
  ...AuthEventType,
  CanonicalAlias: 'm.room.canonical_alias',
  Name: 'm.room.name',
  Topic: 'm.room.topic',
  Avatar: 'm.room.avatar',
  PinnedEvents: 'm.room.pinned_events',
  HistoryVisibility: 'm.room.history_visibility',
  GuestAccess: 'm.room.guest_access',
  Encryption: 'm.room.encryption',
  Encrypted: 'm.room.encrypted',
  ServerAcl: 'm.room.server_acl',
  Tombstone: 'm.room.tombstone',
  Policy: 'm.room.policy',
  Message: 'm.room.message',
  Sticker: 'm.sticker',
  Reaction: 'm.reaction',
  SpaceChild: 'm.space.child',
  SpaceParent: 'm.space.parent',
  PolicyRuleUser: 'm.policy.rule.user',
  PolicyRuleRoom: 'm.policy.rule.room',
  PolicyRuleServer: 'm.policy.rule.server',
  CallInvite: 'm.call.invite',
  CallCandidates: 'm.call.candidates',
  CallAnswer: 'm.call.answer',
  CallHangup: 'm.call.hangup',
  Dummy: 'm.dummy',
} as const;

/** `content.history_visibility` of m.room.history_visibility. */
export const HistoryVisibility = {
  Invited: 'invited',
  Joined: 'joined',
  Shared: 'shared',
  WorldReadable: 'world_readable',
} as const;
export type HistoryVisibilityValue = (typeof HistoryVisibility)[keyof typeof HistoryVisibility];

/** `content.guest_access` of m.room.guest_access. */
export const GuestAccess = {
  CanJoin: 'can_join',
  Forbidden: 'forbidden',
} as const;

/** `allow[].type` of a restricted join rule (m.room.join_rules). */
export const JoinRuleAllowType = {
  RoomMembership: 'm.room_membership',
} as const;

/** `preset` of POST /createRoom. */
export const RoomPreset = {
  PrivateChat: 'private_chat',
  PublicChat: 'public_chat',
  TrustedPrivateChat: 'trusted_private_chat',
} as const;
export type RoomPresetValue = (typeof RoomPreset)[keyof typeof RoomPreset];

/** `visibility` of POST /createRoom and the room directory. */
export const RoomVisibility = {
  Public: 'public',
  Private: 'private',
} as const;

/** Ephemeral event types seen by clients in /sync (Client-Server API modules). */
export const EphemeralType = {
  Typing: 'm.typing',
  Receipt: 'm.receipt',
  Presence: 'm.presence',
} as const;

/** `edu_type` of federation EDUs (Server-Server API, "EDUs"). */
export const EduType = {
  Typing: 'm.typing',
  Presence: 'm.presence',
  Receipt: 'm.receipt',
  DirectToDevice: 'm.direct_to_device',
  DeviceListUpdate: 'm.device_list_update',
  SigningKeyUpdate: 'm.signing_key_update',
} as const;
export type EduTypeValue = (typeof EduType)[keyof typeof EduType];

/** Receipt types (Client-Server API, "Receipts"). */
export const ReceiptType = {
  Read: 'm.read',
  ReadPrivate: 'm.read.private',
  FullyRead: 'm.fully_read',
} as const;

/** `presence` values (Client-Server API, "Presence"). */
export const PresenceState = {
  Online: 'online',
  Offline: 'offline',
  Unavailable: 'unavailable',
} as const;

/** Well-known account data types, global and per room. */
export const AccountDataType = {
  Direct: 'm.direct',
  PushRules: 'm.push_rules',
  IgnoredUserList: 'm.ignored_user_list',
  IdentityServer: 'm.identity_server',
  AcceptedTerms: 'm.accepted_terms',
  SecretStorageDefaultKey: 'm.secret_storage.default_key',
  CrossSigningMaster: 'm.cross_signing.master',
  CrossSigningSelfSigning: 'm.cross_signing.self_signing',
  CrossSigningUserSigning: 'm.cross_signing.user_signing',
  InvitePermissionConfig: 'm.invite_permission_config',
  RecentEmoji: 'm.recent_emoji',
  /** Per room. */
  FullyRead: 'm.fully_read',
  /** Per room. */
  Tag: 'm.tag',
  /** Per room. */
  MarkedUnread: 'm.marked_unread',
} as const;

/** `rel_type` of `m.relates_to` (Client-Server API, "Relationship types"). */
export const RelationType = {
  Annotation: 'm.annotation',
  Replace: 'm.replace',
  Reference: 'm.reference',
  Thread: 'm.thread',
} as const;

/** The only signing algorithm of Matrix JSON signatures (Appendices, "Signing Details"). */
export const ED25519 = 'ed25519';
