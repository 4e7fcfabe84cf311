// The server-default rules (Client-Server API, "Predefined Rules"), in the order the spec lists
// them, made for one user: some conditions name the user's ID or localpart.
//
// NOTSPEC: v1.17 removed the legacy body-mention rules (.m.rule.contains_display_name,
// .m.rule.contains_user_name, .m.rule.roomnotif). We keep them, as Synapse does, because clients
// that do not send m.mentions still expect mentions by name to notify (and SyTest's push tests
// rely on them); as v1.7 said, they do not apply to events whose content has m.mentions.
import type { PushAction, PushRule, PushRuleKind, PushRuleset } from '../api.ts';
import { EventType, Membership, RelationType } from '../../protocol/constants.ts';

export const RuleId = {
  Master: '.m.rule.master',
  SuppressNotices: '.m.rule.suppress_notices',
  InviteForMe: '.m.rule.invite_for_me',
  MemberEvent: '.m.rule.member_event',
  IsUserMention: '.m.rule.is_user_mention',
  ContainsDisplayName: '.m.rule.contains_display_name',
  IsRoomMention: '.m.rule.is_room_mention',
  RoomNotif: '.m.rule.roomnotif',
  Tombstone: '.m.rule.tombstone',
  Reaction: '.m.rule.reaction',
  ServerAcl: '.m.rule.room.server_acl',
  SuppressEdits: '.m.rule.suppress_edits',
  ContainsUserName: '.m.rule.contains_user_name',
  Call: '.m.rule.call',
  EncryptedRoomOneToOne: '.m.rule.encrypted_room_one_to_one',
  RoomOneToOne: '.m.rule.room_one_to_one',
  Message: '.m.rule.message',
  Encrypted: '.m.rule.encrypted',
} as const;

/** Rules that look for mentions in `content.body`; skipped for events with `m.mentions`. */
export const LEGACY_MENTION_RULES: ReadonlySet<string> = new Set([RuleId.ContainsDisplayName, RuleId.ContainsUserName, RuleId.RoomNotif]);

export const ConditionKind = {
  EventMatch: 'event_match',
  EventPropertyIs: 'event_property_is',
  EventPropertyContains: 'event_property_contains',
  ContainsDisplayName: 'contains_display_name',
  RoomMemberCount: 'room_member_count',
  SenderNotificationPermission: 'sender_notification_permission',
} as const;

export const Action = { Notify: 'notify', DontNotify: 'dont_notify', Coalesce: 'coalesce' } as const;

const SOUND_DEFAULT = { set_tweak: 'sound', value: 'default' };
const HIGHLIGHT = { set_tweak: 'highlight' };
const NOTIFY_SOUND: PushAction[] = [Action.Notify, SOUND_DEFAULT];

const match = (key: string, pattern: string) => ({ kind: ConditionKind.EventMatch, key, pattern });
const rule = (rule_id: string, conditions: PushRule['conditions'], actions: PushAction[], enabled = true): PushRule => ({
  rule_id,
  default: true,
  enabled,
  conditions,
  actions,
});

export function defaultRuleset(userId: string): PushRuleset {
  const localpart = userId.slice(1, userId.indexOf(':'));
  const override: PushRule[] = [
    rule(RuleId.Master, [], [], false),
    rule(RuleId.SuppressNotices, [match('content.msgtype', 'm.notice')], []),
    rule(
      RuleId.InviteForMe,
      [match('type', EventType.Member), match('content.membership', Membership.Invite), match('state_key', userId)],
      NOTIFY_SOUND,
    ),
    rule(RuleId.MemberEvent, [match('type', EventType.Member)], []),
    rule(
      RuleId.IsUserMention,
      [{ kind: ConditionKind.EventPropertyContains, key: 'content.m\\.mentions.user_ids', value: userId }],
      [...NOTIFY_SOUND, HIGHLIGHT],
    ),
    rule(RuleId.ContainsDisplayName, [{ kind: ConditionKind.ContainsDisplayName }], [...NOTIFY_SOUND, HIGHLIGHT]),
    rule(
      RuleId.IsRoomMention,
      [
        { kind: ConditionKind.EventPropertyIs, key: 'content.m\\.mentions.room', value: true },
        { kind: ConditionKind.SenderNotificationPermission, key: 'room' },
      ],
      [Action.Notify, HIGHLIGHT],
    ),
    rule(
      RuleId.RoomNotif,
      [match('content.body', '@room'), { kind: ConditionKind.SenderNotificationPermission, key: 'room' }],
      [Action.Notify, HIGHLIGHT],
    ),
    rule(RuleId.Tombstone, [match('type', EventType.Tombstone), match('state_key', '')], [Action.Notify, HIGHLIGHT]),
    rule(RuleId.Reaction, [match('type', EventType.Reaction)], []),
    rule(RuleId.ServerAcl, [match('type', EventType.ServerAcl), match('state_key', '')], []),
    rule(RuleId.SuppressEdits, [{ kind: ConditionKind.EventPropertyIs, key: 'content.m\\.relates_to.rel_type', value: RelationType.Replace }], []),
  ];
  const content: PushRule[] = [
    { rule_id: RuleId.ContainsUserName, default: true, enabled: true, pattern: localpart, actions: [...NOTIFY_SOUND, HIGHLIGHT] },
  ];
  const oneToOne = { kind: ConditionKind.RoomMemberCount, is: '2' };
  const underride: PushRule[] = [
    rule(RuleId.Call, [match('type', EventType.CallInvite)], [Action.Notify, { set_tweak: 'sound', value: 'ring' }]),
    rule(RuleId.EncryptedRoomOneToOne, [oneToOne, match('type', EventType.Encrypted)], NOTIFY_SOUND),
    rule(RuleId.RoomOneToOne, [oneToOne, match('type', EventType.Message)], NOTIFY_SOUND),
    rule(RuleId.Message, [match('type', EventType.Message)], [Action.Notify]),
    rule(RuleId.Encrypted, [match('type', EventType.Encrypted)], [Action.Notify]),
  ];
  const kinds: Record<PushRuleKind, PushRule[]> = { override, content, room: [], sender: [], underride };
  return structuredClone(kinds);
}
