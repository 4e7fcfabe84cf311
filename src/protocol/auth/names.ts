// The spec strings the authorisation rules and state resolution look at. Kept here, next to the
// rules, because these two modules must not drift from each other; src/protocol/constants.ts may
// re-export them.

/** Event types that take part in the authorisation rules (room versions, "Authorisation rules"). */
export const AuthEventType = {
  Create: 'm.room.create',
  Member: 'm.room.member',
  JoinRules: 'm.room.join_rules',
  PowerLevels: 'm.room.power_levels',
  ThirdPartyInvite: 'm.room.third_party_invite',
  Aliases: 'm.room.aliases',
  Redaction: 'm.room.redaction',
} as const;

/** `content.membership` of m.room.member (Client-Server API, "m.room.member"). */
export const Membership = {
  Join: 'join',
  Invite: 'invite',
  Leave: 'leave',
  Ban: 'ban',
  Knock: 'knock',
} as const;

/** `content.join_rule` of m.room.join_rules (Client-Server API, "m.room.join_rules"). */
export const JoinRule = {
  Public: 'public',
  Invite: 'invite',
  Knock: 'knock',
  Restricted: 'restricted',
  KnockRestricted: 'knock_restricted',
  Private: 'private',
} as const;
