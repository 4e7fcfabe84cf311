// "If type is m.room.power_levels" (rule 10 in v1–v5 and v12, 9 in v6–v11): validation per
// version, the change rules, v6's `notifications`, v10's integer enforcement and v12's creators.

import { describe, expect, test } from 'bun:test';
import type { JsonObject } from '../../../../src/protocol/event.ts';
import { TestRoom } from './fixtures.ts';

const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const alice = '@alice:example.com';
const bob = '@bob:example.com';
const carol = '@carol:example.com';

/** alice (100, or creator in v12), bob 50 and carol 10 all joined, with the given levels. */
function room(version: string, extra: JsonObject = {}) {
  const r = new TestRoom(version, alice);
  r.join(alice);
  const users: JsonObject = version === '12' ? {} : { [alice]: 100 };
  r.stateEvent(alice, 'm.room.power_levels', { users: { ...users, [bob]: 50, [carol]: 10 }, events: { 'm.room.power_levels': 10 }, ...extra });
  r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
  r.join(bob);
  r.join(carol);
  return r;
}
const usersOf = (version: string, over: JsonObject): JsonObject => ({
  ...(version === '12' ? {} : { [alice]: 100 }),
  [bob]: 50,
  [carol]: 10,
  ...over,
});
const setLevels = (r: TestRoom, sender: string, content: JsonObject) =>
  r.try({ type: 'm.room.power_levels', stateKey: '', sender, content: { events: { 'm.room.power_levels': 10 }, ...content } });

describe('validation', () => {
  test.each(ALL)('v%s: users must map valid user IDs to levels', (version) => {
    const r = room(version);
    expect(setLevels(r, bob, { users: usersOf(version, { 'not-a-user': 1 }) }).allowed).toBe(false);
    expect(setLevels(r, bob, { users: usersOf(version, { '@dan:example.com': 'x' }) }).allowed).toBe(false);
    expect(setLevels(r, bob, { users: 'nope' }).allowed).toBe(false);
  });

  test.each(ALL)('v%s: string levels are accepted before v10 and rejected from v10', (version) => {
    const r = room(version);
    const stringy = setLevels(r, bob, { users: usersOf(version, { '@dan:example.com': '20' }), kick: '40' });
    expect(stringy.allowed).toBe(Number(version) < 10);
  });

  test.each(['10', '11', '12'])('v%s rules 1–2: every level an integer, events/notifications objects of integers', (version) => {
    const r = room(version);
    const users = usersOf(version, {});
    expect(setLevels(r, bob, { users, ban: null }).allowed).toBe(false);
    expect(setLevels(r, bob, { users, events: { 'm.room.power_levels': 10, 'm.x': '5' } }).allowed).toBe(false);
    expect(setLevels(r, bob, { users, notifications: { room: true } }).allowed).toBe(false);
    expect(setLevels(r, bob, { users, notifications: { room: 40 } }).allowed).toBe(true);
  });

  test.each(['1', '5'])('v%s: float levels are truncated ("accept values as floats")', (version) => {
    const r = room(version);
    expect(setLevels(r, bob, { users: usersOf(version, { '@dan:example.com': 20.9 }) }).allowed).toBe(true);
    expect(setLevels(r, bob, { users: usersOf(version, { '@dan:example.com': 50.9 }) }).allowed).toBe(true); // 50 ≤ 50
  });

  test.each(ALL)('v%s: "If there is no previous m.room.power_levels event in the room, allow."', (version) => {
    const r = new TestRoom(version, alice);
    r.join(alice);
    expect(r.try({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { users: version === '12' ? { [bob]: 9000 } : { [alice]: 100, [bob]: 9000 }, ban: 1 } }).allowed).toBe(true);
  });
});

describe('change rules', () => {
  test.each(ALL)('v%s: top-level levels: the old and the new value must not exceed the sender', (version) => {
    const r = room(version, { kick: 60 });
    const users = usersOf(version, {});
    expect(setLevels(r, bob, { users, kick: 60, ban: 40 }).allowed).toBe(true); // ban 50 (absent) → 40: both ≤ 50
    expect(setLevels(r, bob, { users, kick: 40 }).allowed).toBe(false); // the current kick 60 > 50
    expect(setLevels(r, bob, { users, kick: 60, state_default: 51 }).allowed).toBe(false); // new 51 > 50
    expect(setLevels(r, bob, { users }).allowed).toBe(false); // removing kick 60 is an alteration of a value above bob
    expect(setLevels(r, alice, { users }).allowed).toBe(true);
  });

  test.each(ALL)('v%s: events entries', (version) => {
    const r = room(version, { events: { 'm.room.power_levels': 10, 'm.room.name': 80 } });
    const users = usersOf(version, {});
    expect(setLevels(r, bob, { users, events: { 'm.room.power_levels': 10, 'm.room.name': 80, 'm.room.topic': 50 } }).allowed).toBe(true);
    expect(setLevels(r, bob, { users, events: { 'm.room.power_levels': 10, 'm.room.name': 80, 'm.room.topic': 51 } }).allowed).toBe(false);
    expect(setLevels(r, bob, { users, events: { 'm.room.power_levels': 10 } }).allowed).toBe(false); // removes 80
    expect(setLevels(r, bob, { users, events: { 'm.room.power_levels': 10, 'm.room.name': 20 } }).allowed).toBe(false);
  });

  test.each(ALL)('v%s: notifications are checked from v6 ("9.4 and 9.5 ... events or notifications")', (version) => {
    const r = room(version, { notifications: { room: 80 } });
    const users = usersOf(version, {});
    expect(setLevels(r, bob, { users, notifications: { room: 20 } }).allowed).toBe(Number(version) < 6);
    expect(setLevels(r, bob, { users, notifications: { room: 80, other: 70 } }).allowed).toBe(Number(version) < 6);
  });

  test.each(ALL)('v%s: users entries: others at or above the sender are untouchable; no one rises above the sender', (version) => {
    const r = room(version);
    expect(setLevels(r, bob, { users: usersOf(version, { [carol]: 50 }) }).allowed).toBe(true); // up to bob's own level
    expect(setLevels(r, bob, { users: usersOf(version, { [carol]: 51 }) }).allowed).toBe(false);
    expect(setLevels(r, bob, { users: usersOf(version, { [bob]: 10 }) }).allowed).toBe(true); // own entry may drop
    expect(setLevels(r, bob, { users: usersOf(version, { [bob]: 60 }) }).allowed).toBe(false);
    r.send({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { events: { 'm.room.power_levels': 10 }, users: usersOf(version, { '@dan:example.com': 50 }) } });
    expect(setLevels(r, bob, { users: usersOf(version, { '@dan:example.com': 0 }) }).allowed).toBe(false); // equal to bob
    expect(setLevels(r, bob, { users: usersOf(version, {}) }).allowed).toBe(false); // removing dan (50)
  });

  test.each(ALL)('v%s: unchanged values need no power, even above the sender', (version) => {
    const r = room(version, { ban: 90, events: { 'm.room.power_levels': 10, 'm.x': 95 } });
    expect(setLevels(r, bob, { users: usersOf(version, { [carol]: 20 }), ban: 90, events: { 'm.room.power_levels': 10, 'm.x': 95 } }).allowed).toBe(true);
  });

  test('v1–v9: a value rewritten as an equal string is not a change', () => {
    const r = room('9', { ban: 90 });
    expect(setLevels(r, bob, { users: usersOf('9', {}), ban: '90' }).allowed).toBe(true);
  });
});

describe('v12 room creators', () => {
  test('rule 10.4: users may not contain a creator, even in the first power levels event', () => {
    const r = new TestRoom('12', alice, { additional_creators: [bob] });
    r.join(alice);
    expect(r.try({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { users: { [alice]: 100 } } }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { users: { [bob]: 100 } } }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { users: { [carol]: 100 } } }).allowed).toBe(true);
  });

  test('a creator cannot be demoted: an admin at the maximum level cannot touch a creator', () => {
    const r = room('12', { users: { [bob]: 9007199254740991, [carol]: 10 } });
    // bob cannot write alice in (rule 10.4), and so cannot lower her
    expect(setLevels(r, bob, { users: { [bob]: 9007199254740991, [carol]: 10, [alice]: 0 } }).allowed).toBe(false);
    // alice, with infinite power, can change anyone and any level
    expect(setLevels(r, alice, { users: { [bob]: 0, [carol]: 9007199254740991 }, ban: 9007199254740991 }).allowed).toBe(true);
  });

  test('in v11 the same change demotes the creator', () => {
    const r = room('11', { users: { [alice]: 50, [bob]: 100, [carol]: 10 } });
    expect(setLevels(r, bob, { users: { [alice]: 0, [bob]: 100, [carol]: 10 } }).allowed).toBe(true);
  });
});
