// Server-Server API "Auth events selection", and rule 2 (v12: rule 3) "Considering the event's
// auth_events".

import { describe, expect, test } from 'bun:test';
import { authEventsNeeded, checkAuthEventsSelection } from '../../../../src/protocol/auth/auth-events.ts';
import type { EventView } from '../../../../src/protocol/event.ts';
import { makeEvent, rv, TestRoom } from './fixtures.ts';

const alice = '@alice:example.com';
const bob = '@bob:example.com';
const carol = '@carol:example.com';

describe('authEventsNeeded', () => {
  test('create event: none', () => {
    expect(authEventsNeeded({ type: 'm.room.create', stateKey: '', sender: alice, content: {} }, rv('10'))).toEqual([]);
  });

  test('a message: create, power levels, sender membership (v12: no create)', () => {
    const proto = { type: 'm.room.message', stateKey: undefined, sender: bob, content: {} };
    expect(authEventsNeeded(proto, rv('11'))).toEqual([['m.room.create', ''], ['m.room.power_levels', ''], ['m.room.member', bob]]);
    expect(authEventsNeeded(proto, rv('12'))).toEqual([['m.room.power_levels', ''], ['m.room.member', bob]]);
  });

  test('membership: target, join rules for join/invite/knock, not for leave/ban', () => {
    const m = (membership: string, sender = alice) =>
      authEventsNeeded({ type: 'm.room.member', stateKey: carol, sender, content: { membership } }, rv('10')).map(([t, k]) => `${t}|${k}`);
    expect(m('invite')).toEqual(['m.room.create|', 'm.room.power_levels|', `m.room.member|${alice}`, `m.room.member|${carol}`, 'm.room.join_rules|']);
    expect(m('knock', carol)).toEqual(['m.room.create|', 'm.room.power_levels|', `m.room.member|${carol}`, 'm.room.join_rules|']);
    expect(m('ban')).not.toContain('m.room.join_rules|');
    expect(m('leave')).not.toContain('m.room.join_rules|');
  });

  test('restricted join: the authorising user\'s membership, only in versions with restricted rooms', () => {
    const proto = { type: 'm.room.member', stateKey: carol, sender: carol, content: { membership: 'join', join_authorised_via_users_server: alice } };
    expect(authEventsNeeded(proto, rv('8'))).toContainEqual(['m.room.member', alice]);
    expect(authEventsNeeded(proto, rv('7'))).not.toContainEqual(['m.room.member', alice]);
  });
});

describe('checkAuthEventsSelection', () => {
  function setup(version: string) {
    const r = new TestRoom(version, alice);
    r.join(alice);
    r.stateEvent(alice, 'm.room.power_levels', { users: version === '12' ? {} : { [alice]: 100 } });
    r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
    r.stateEvent(alice, 'm.room.topic', { topic: 't' });
    r.join(bob);
    return r;
  }
  const authEvents = (r: TestRoom, ev: EventView) => ev.authEventIds.map((id) => r.events.get(id)!);

  test.each(['1', '6', '11', '12'])('v%s: the selection a server makes passes', (version) => {
    const r = setup(version);
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    expect(checkAuthEventsSelection(ev, authEvents(r, ev), rv(version)).allowed).toBe(true);
  });

  test('2.1 duplicates of a (type, state_key) pair are rejected', () => {
    const r = setup('10');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    const pl2 = r.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100 }, ban: 60 });
    expect(checkAuthEventsSelection(ev, [...authEvents(r, ev), pl2], rv('10'))).toMatchObject({ allowed: false });
  });

  test('2.2 entries the selection would not pick are rejected (e.g. the topic, or join rules for a message)', () => {
    const r = setup('10');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    const topic = r.events.get(r.state.get('m.room.topic\u0000')!)!;
    const joinRules = r.events.get(r.state.get('m.room.join_rules\u0000')!)!;
    expect(checkAuthEventsSelection(ev, [...authEvents(r, ev), topic], rv('10')).allowed).toBe(false);
    expect(checkAuthEventsSelection(ev, [...authEvents(r, ev), joinRules], rv('10')).allowed).toBe(false);
  });

  test('2.2 (v12) the create event must not be selected', () => {
    const r = setup('12');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    expect(checkAuthEventsSelection(ev, [...authEvents(r, ev), r.create], rv('12')).allowed).toBe(false);
  });

  test('2.3 rejected auth events make the event rejected', () => {
    const r = setup('10');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    const plId = r.state.get('m.room.power_levels\u0000')!;
    expect(checkAuthEventsSelection(ev, authEvents(r, ev), rv('10'), (id) => id === plId).allowed).toBe(false);
  });

  test('2.4 (v1–v11) "If there is no m.room.create event among the entries, reject."', () => {
    const r = setup('10');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    const withoutCreate = authEvents(r, ev).filter((e) => e.type !== 'm.room.create');
    expect(checkAuthEventsSelection(ev, withoutCreate, rv('10'))).toEqual({ allowed: false, reason: 'auth_events has no m.room.create event' });
  });

  test('2.5 auth events from another room are rejected', () => {
    const r = setup('10');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    const foreign = makeEvent('10', { eventId: '$f', roomId: '!other:example.com', type: 'm.room.member', stateKey: bob, sender: bob, content: { membership: 'join' } });
    const list = authEvents(r, ev).filter((e) => e.type !== 'm.room.member').concat(foreign);
    expect(checkAuthEventsSelection(ev, list, rv('10'))).toMatchObject({ allowed: false });
  });
});
