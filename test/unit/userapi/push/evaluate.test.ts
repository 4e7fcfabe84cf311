// Push rule evaluation on its own (Client-Server API, "Push Rules": conditions, predefined
// rules, actions), with hand-made events; the same rules over a real room server are in
// default-rules.test.ts.
import { describe, expect, test } from 'bun:test';
import type { PushCondition, PushRuleset } from '../../../../src/userapi/api.ts';
import { defaultRuleset } from '../../../../src/userapi/push/default-rules.ts';
import { conditionHolds, evaluateRules, outcomeOf, type PushEvent, type RoomFacts } from '../../../../src/userapi/push/evaluate.ts';
import { containsWords, globMatchesWhole, globMatchesWords } from '../../../../src/userapi/push/glob.ts';
import { splitPropertyPath, valueAtPath } from '../../../../src/userapi/push/property-path.ts';
import { mergeRuleset, putRule, storedContent } from '../../../../src/userapi/push/ruleset.ts';

const ALICE = '@alice:example.org';
const room = (memberCount = 3, senderMay = true): RoomFacts => ({ memberCount, senderMayNotify: () => senderMay });
const ev = (json: Record<string, unknown>): PushEvent => ({
  json: { room_id: '!r:example.org', sender: '@bob:example.org', event_id: '$e', ...json },
  sender: (json.sender as string) ?? '@bob:example.org',
  roomId: '!r:example.org',
});
const msg = (content: Record<string, unknown>, type = 'm.room.message') => ev({ type, content });
const who = { userId: ALICE, displayName: 'Alice Liddell' };
const decide = (e: PushEvent, r = room(), rs: PushRuleset = defaultRuleset(ALICE)) => {
  const actions = evaluateRules(rs, e, r, who);
  return actions ? outcomeOf(actions) : undefined;
};

describe('glob-style matching (Appendices, "Glob-style matching")', () => {
  test('event_match examples of the spec: lunc?* against topics', () => {
    expect(globMatchesWhole('lunc?*', 'Lunch plans')).toBe(true);
    expect(globMatchesWhole('lunc?*', 'LUNCH')).toBe(true);
    expect(globMatchesWhole('lunc?*', ' lunch')).toBe(false);
    expect(globMatchesWhole('lunc?*', 'lunc')).toBe(false);
  });
  test('content.body matches at word boundaries: ex*ple', () => {
    for (const body of ['An example event.', 'exple', 'An exciting triple-whammy']) expect(globMatchesWords('ex*ple', body)).toBe(true);
    expect(globMatchesWords('ex*ple', 'Anexample')).toBe(false);
    expect(globMatchesWords('cake', 'pancakes')).toBe(false);
    expect(globMatchesWords('тест', 'это тест!')).toBe(true);
  });
  test('regular-expression characters are literal, ? is one code point', () => {
    expect(globMatchesWhole('a.b', 'axb')).toBe(false);
    expect(globMatchesWhole('(x)+', '(x)+')).toBe(true);
    expect(globMatchesWhole('?', '😀')).toBe(true);
    expect(containsWords('Dr. Who?', 'hello Dr. Who? there')).toBe(true);
  });
  test('every printable ASCII character is taken literally in patterns and display names', () => {
    for (let code = 32; code < 127; code++) {
      const ch = String.fromCharCode(code);
      const name = `a${ch}b`;
      expect(containsWords(name, `hi ${name} there`)).toBe(true);
      if (ch !== '*' && ch !== '?') expect(globMatchesWhole(name, name.toUpperCase())).toBe(true);
      if (ch !== '*' && ch !== '?' && ch.toLowerCase() !== 'x') expect(globMatchesWhole(name, 'axb')).toBe(false);
    }
  });
});

describe('dot-separated property paths (Appendices)', () => {
  test('escaped dots and backslashes', () => {
    expect(splitPropertyPath('content.m\\.relates_to.rel_type')).toEqual(['content', 'm.relates_to', 'rel_type']);
    expect(splitPropertyPath('content.m\\\\foo')).toEqual(['content', 'm\\foo']);
    expect(splitPropertyPath('content.a\\xb')).toEqual(['content', 'a\\xb']);
    expect(valueAtPath({ content: { 'm.mentions': { room: true } } }, 'content.m\\.mentions.room')).toBe(true);
    expect(valueAtPath({ content: { a: [1] } }, 'content.a.0')).toBeUndefined();
  });
});

describe('conditions (Client-Server API, "Conditions")', () => {
  const holds = (c: PushCondition, e: PushEvent, r = room()) => conditionHolds(c, e, r, who);
  test('event_match needs a string value, even for the pattern *', () => {
    expect(holds({ kind: 'event_match', key: 'content.topic', pattern: '*' }, msg({ topic: null }))).toBe(false);
    expect(holds({ kind: 'event_match', key: 'content.topic', pattern: '*' }, msg({}))).toBe(false);
    expect(holds({ kind: 'event_match', key: 'content.topic', pattern: '*' }, msg({ topic: '' }))).toBe(true);
  });
  test('event_property_is matches exactly, without casting', () => {
    const c = { kind: 'event_property_is', key: 'content.m\\.federate', value: true };
    expect(holds(c, msg({ 'm.federate': true }))).toBe(true);
    expect(holds(c, msg({ 'm.federate': 'true' }))).toBe(false);
    expect(holds(c, msg({ 'm.federate': 1 }))).toBe(false);
    expect(holds({ kind: 'event_property_is', key: 'content.x', value: null }, msg({ x: null }))).toBe(true);
  });
  test('event_property_contains needs an array holding the exact value', () => {
    const c = { kind: 'event_property_contains', key: 'content.alt_aliases', value: '#myroom:example.com' };
    expect(holds(c, msg({ alt_aliases: ['#somewhere:example.org', '#myroom:example.com'] }))).toBe(true);
    expect(holds(c, msg({ alt_aliases: [':example.com'] }))).toBe(false);
    expect(holds(c, msg({ alt_aliases: '#myroom:example.com' }))).toBe(false);
  });
  test('room_member_count with each prefix', () => {
    const at = (is: string, n: number) => holds({ kind: 'room_member_count', is }, msg({}), room(n));
    expect([at('2', 2), at('==2', 3), at('<3', 2), at('>3', 3), at('>=3', 3), at('<=1', 2), at('x', 2)]).toEqual([true, false, true, false, true, false, false]);
  });
  test('contains_display_name, sender_notification_permission and unknown kinds', () => {
    expect(holds({ kind: 'contains_display_name' }, msg({ body: 'hi alice liddell!' }))).toBe(true);
    expect(holds({ kind: 'contains_display_name' }, msg({ body: 'hi alice' }))).toBe(false);
    expect(holds({ kind: 'sender_notification_permission', key: 'room' }, msg({}), room(3, false))).toBe(false);
    expect(holds({ kind: 'something_new' }, msg({}))).toBe(false);
  });
});

describe('default rules (Client-Server API, "Predefined Rules")', () => {
  test('messages notify; in a room of two with a sound', () => {
    expect(decide(msg({ msgtype: 'm.text', body: 'hi' }))).toMatchObject({ notify: true, highlight: false, tweaks: {} });
    expect(decide(msg({ msgtype: 'm.text', body: 'hi' }), room(2))?.tweaks).toEqual({ sound: 'default' });
  });
  test('notices, reactions, edits, member events and server ACLs do not notify', () => {
    expect(decide(msg({ msgtype: 'm.notice', body: 'bot' }))?.notify).toBe(false);
    expect(decide(msg({ 'm.relates_to': { rel_type: 'm.annotation', event_id: '$x', key: '👍' } }, 'm.reaction'))?.notify).toBe(false);
    expect(decide(msg({ body: '* fix', 'm.relates_to': { rel_type: 'm.replace', event_id: '$x' } }))?.notify).toBe(false);
    expect(decide(ev({ type: 'm.room.member', state_key: '@carol:example.org', content: { membership: 'join' } }))?.notify).toBe(false);
    expect(decide(ev({ type: 'm.room.server_acl', state_key: '', content: {} }))?.notify).toBe(false);
    expect(decide(ev({ type: 'm.room.topic', state_key: '', content: { topic: 'x' } }))).toBeUndefined();
  });
  test('m.mentions of the user highlights; an @room mention needs the power to notify the room', () => {
    expect(decide(msg({ body: 'x', 'm.mentions': { user_ids: [ALICE] } }))).toMatchObject({ notify: true, highlight: true });
    expect(decide(msg({ body: 'x', 'm.mentions': { room: true } }))).toMatchObject({ notify: true, highlight: true });
    expect(decide(msg({ body: 'x', 'm.mentions': { room: true } }), room(3, false))).toMatchObject({ notify: true, highlight: false });
  });
  test('legacy body mentions highlight only without m.mentions', () => {
    expect(decide(msg({ body: 'ping Alice Liddell' }))?.highlight).toBe(true);
    expect(decide(msg({ body: 'ping @alice:example.org' }))?.highlight).toBe(true);
    expect(decide(msg({ body: 'ping Alice Liddell', 'm.mentions': {} }))).toMatchObject({ notify: true, highlight: false });
  });
  test('invites for the user, tombstones, calls and encrypted events', () => {
    const invite = ev({ type: 'm.room.member', state_key: ALICE, content: { membership: 'invite' } });
    expect(decide(invite)).toMatchObject({ notify: true, tweaks: { sound: 'default' } });
    expect(decide(ev({ type: 'm.room.tombstone', state_key: '', content: { replacement_room: '!n:x' } }))?.highlight).toBe(true);
    expect(decide(msg({}, 'm.call.invite'))?.tweaks).toEqual({ sound: 'ring' });
    expect(decide(msg({ algorithm: 'm.megolm.v1.aes-sha2' }, 'm.room.encrypted'), room(2))?.tweaks).toEqual({ sound: 'default' });
    expect(decide(msg({ algorithm: 'm.megolm.v1.aes-sha2' }, 'm.room.encrypted'), room(5))).toMatchObject({ notify: true, tweaks: {} });
  });
  test('the master rule, when enabled, silences everything, even rules added later', () => {
    const rs = mergeRuleset(null, ALICE);
    putRule(rs, 'override', { rule_id: 'all', default: false, enabled: true, conditions: [], actions: ['notify'] }, {});
    rs.override[0]!.enabled = true;
    expect(rs.override.map((r) => r.rule_id).slice(0, 2)).toEqual(['.m.rule.master', 'all']);
    expect(decide(msg({ body: 'x', 'm.mentions': { user_ids: [ALICE] } }), room(), rs)?.notify).toBe(false);
  });
  test('historical actions are ignored: ["dont_notify"] is an empty action list', () => {
    expect(outcomeOf(['dont_notify', 'coalesce'])).toEqual({ notify: false, highlight: false, tweaks: {}, actions: [] });
    expect(outcomeOf(['notify', { set_tweak: 'highlight', value: false }]).highlight).toBe(false);
  });
});

describe('stored rulesets', () => {
  test('a stored ruleset keeps user rules and edits of default rules, and gains new default rules', () => {
    const rs = mergeRuleset(null, ALICE);
    putRule(rs, 'room', { rule_id: '!r:example.org', default: false, enabled: true, actions: [] }, {});
    rs.underride.find((r) => r.rule_id === '.m.rule.message')!.enabled = false;
    const stored = storedContent(rs) as { global: PushRuleset };
    // An older server did not know .m.rule.tombstone; a later one adds it.
    stored.global.override = stored.global.override.filter((r) => r.rule_id !== '.m.rule.tombstone');
    const again = mergeRuleset(JSON.parse(JSON.stringify(stored)), ALICE);
    expect(again.room.map((r) => r.rule_id)).toEqual(['!r:example.org']);
    expect(again.underride.find((r) => r.rule_id === '.m.rule.message')!.enabled).toBe(false);
    expect(again.override.some((r) => r.rule_id === '.m.rule.tombstone')).toBe(true);
    expect(decide(msg({ body: 'x' }), room(), again)?.notify).toBe(false);
  });
});
