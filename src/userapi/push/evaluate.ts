// Push rule evaluation (Client-Server API, "Push Rules"): the first enabled rule, in kind order
// override, content, room, sender, underride, whose conditions all hold decides the actions.
// Pure: what it needs of the room (member count, power levels, display names) is given.
import { PUSH_RULE_KINDS, type PushAction, type PushCondition, type PushRule, type PushRuleKind, type PushRuleset } from '../api.ts';
import { Action, ConditionKind, LEGACY_MENTION_RULES } from './default-rules.ts';
import { containsWords, globMatchesWhole, globMatchesWords } from './glob.ts';
import { valueAtPath } from './property-path.ts';

/** The event as push rules see it: its JSON with event_id and room_id present. */
export interface PushEvent {
  json: Record<string, unknown>;
  sender: string;
  roomId: string;
}

/** What the conditions ask about the room, at the event. */
export interface RoomFacts {
  memberCount: number;
  /** Whether the sender's power level reaches `notifications[key]` (sender_notification_permission). */
  senderMayNotify(key: string): boolean;
}

export interface Recipient {
  userId: string;
  /** The recipient's display name in the room, if any. */
  displayName: string | undefined;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Non-compound canonical JSON values: strings, safe integers, booleans, null. */
function isPlainValue(v: unknown): v is string | number | boolean | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_SAFE;
}

function memberCountMatches(is: unknown, count: number): boolean {
  const m = typeof is === 'string' ? /^(==|<=|>=|<|>)?([0-9]+)$/.exec(is) : null;
  if (!m) return false;
  const n = Number(m[2]);
  switch (m[1] ?? '==') {
    case '==':
      return count === n;
    case '<':
      return count < n;
    case '>':
      return count > n;
    case '<=':
      return count <= n;
    default:
      return count >= n;
  }
}

export function conditionHolds(c: PushCondition, ev: PushEvent, room: RoomFacts, who: Recipient): boolean {
  switch (c.kind) {
    case ConditionKind.EventMatch: {
      if (typeof c.key !== 'string' || typeof c.pattern !== 'string') return false;
      const v = valueAtPath(ev.json, c.key);
      if (typeof v !== 'string') return false;
      return c.key === 'content.body' ? globMatchesWords(c.pattern, v) : globMatchesWhole(c.pattern, v);
    }
    case ConditionKind.EventPropertyIs: {
      if (typeof c.key !== 'string' || !isPlainValue(c.value)) return false;
      const v = valueAtPath(ev.json, c.key);
      return isPlainValue(v) && v === c.value;
    }
    case ConditionKind.EventPropertyContains: {
      if (typeof c.key !== 'string' || !isPlainValue(c.value)) return false;
      const v = valueAtPath(ev.json, c.key);
      return Array.isArray(v) && v.some((x) => isPlainValue(x) && x === c.value);
    }
    case ConditionKind.ContainsDisplayName: {
      const body = valueAtPath(ev.json, 'content.body');
      const name = who.displayName;
      return typeof body === 'string' && typeof name === 'string' && name !== '' && containsWords(name, body);
    }
    case ConditionKind.RoomMemberCount:
      return memberCountMatches(c.is, room.memberCount);
    case ConditionKind.SenderNotificationPermission:
      return typeof c.key === 'string' && room.senderMayNotify(c.key);
    default:
      // "Unrecognised conditions MUST NOT match any events."
      return false;
  }
}

/** The predefined condition of content, room and sender rules. */
function ruleMatches(kind: PushRuleKind, rule: PushRule, ev: PushEvent, room: RoomFacts, who: Recipient): boolean {
  switch (kind) {
    case 'content': {
      const body = valueAtPath(ev.json, 'content.body');
      return typeof rule.pattern === 'string' && typeof body === 'string' && globMatchesWords(rule.pattern, body);
    }
    case 'room':
      return ev.roomId === rule.rule_id;
    case 'sender':
      return ev.sender === rule.rule_id;
    default:
      return (rule.conditions ?? []).every((c) => conditionHolds(c, ev, room, who));
  }
}

/** The actions of the rule that decides, or undefined when none matches (no notification). */
export function evaluateRules(rs: PushRuleset, ev: PushEvent, room: RoomFacts, who: Recipient): PushAction[] | undefined {
  const content = ev.json.content as Record<string, unknown> | undefined;
  const hasMentions = typeof content === 'object' && content !== null && Object.hasOwn(content, 'm.mentions');
  for (const kind of PUSH_RULE_KINDS) {
    for (const rule of rs[kind]) {
      if (!rule.enabled) continue;
      if (hasMentions && LEGACY_MENTION_RULES.has(rule.rule_id)) continue;
      if (ruleMatches(kind, rule, ev, room, who)) return rule.actions;
    }
  }
  return undefined;
}

export interface PushOutcome {
  notify: boolean;
  highlight: boolean;
  /** set_tweak values by name, as sent to push gateways. */
  tweaks: Record<string, unknown>;
  /** The actions without the historical ones, as /notifications lists them. */
  actions: PushAction[];
}

/** What a rule's actions mean ("Actions"): a highlight tweak without value is true. */
export function outcomeOf(actions: readonly PushAction[]): PushOutcome {
  const kept = actions.filter((a) => a !== Action.DontNotify && a !== Action.Coalesce);
  const tweaks: Record<string, unknown> = {};
  for (const a of kept) {
    if (typeof a === 'object') tweaks[a.set_tweak] = a.set_tweak === 'highlight' && !('value' in a) ? true : a.value;
  }
  return { notify: kept.includes(Action.Notify), highlight: tweaks.highlight === true, tweaks, actions: kept };
}
