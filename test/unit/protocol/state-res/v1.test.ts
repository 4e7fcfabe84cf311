// State resolution of room version 1 (rooms/v1 "State resolution").

import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { stateKeyOf } from '../../../../src/protocol/event.ts';
import { resolveState } from '../../../../src/protocol/state-res/index.ts';
import { makeEvent, TestRoom, testVerifier } from '../auth/fixtures.ts';

const alice = '@alice:example.com';
const bob = '@bob:example.com';
const carol = '@carol:example.com';

function room() {
  const r = new TestRoom('1', alice);
  r.join(alice);
  r.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100, [bob]: 50 } });
  r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
  r.join(bob);
  r.join(carol);
  return r;
}
const resolve = (...forks: TestRoom[]) =>
  resolveState(forks.map((f) => f.state), { roomVersion: forks[0]!.rv, getEvent: forks[0]!.getEvent, verifier: testVerifier });
const at = (state: Map<string, string>, type: string, stateKey = '') => state.get(stateKeyOf(type, stateKey));

describe('v1: power levels conflicts ("Sort the list by ascending depth then descending sha1(event_id)")', () => {
  test('the first event is taken, later (deeper) ones replace it while they are allowed', () => {
    const base = room();
    const a = base.fork();
    const b = base.fork();
    a.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100, [bob]: 50 }, ban: 60 }); // shallower
    const deeper = b.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100, [bob]: 50 }, kick: 60 });
    expect(at(resolve(a, b), 'm.room.power_levels')).toBe(deeper.eventId);
  });

  test('"If it would not be allowed, stop": a deeper event not allowed in R leaves the shallower one', () => {
    const base = room();
    const a = base.fork();
    const b = base.fork();
    const first = a.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100, [bob]: 50 }, ban: 60 });
    // bob's change drops ban 60, above his 50: not allowed in R = first
    b.stateEvent(bob, 'm.room.power_levels', { users: { [alice]: 100, [bob]: 50, [carol]: 10 } });
    expect(at(resolve(a, b), 'm.room.power_levels')).toBe(first.eventId);
  });
});

describe('v1: membership conflicts', () => {
  test('ban vs the target\'s profile change: the ban stands whichever is deeper', () => {
    for (const banFirst of [true, false]) {
      const base = room();
      const a = base.fork();
      const b = base.fork();
      const ban = banFirst ? a.member(alice, carol, 'ban') : undefined;
      b.member(carol, carol, 'join', { displayname: 'C' });
      const laterBan = banFirst ? ban! : a.member(alice, carol, 'ban');
      expect(at(resolve(a, b), 'm.room.member', carol)).toBe(laterBan.eventId);
    }
  });
});

describe('v1: other conflicts ("the event with the highest depth and lowest sha1(event_id) that passes authentication in R")', () => {
  test('the deepest event that passes auth wins; one that fails is skipped', () => {
    const base = room();
    const a = base.fork();
    const b = base.fork();
    const t1 = a.stateEvent(alice, 'm.room.topic', { topic: 'alice' });
    b.force({ type: 'm.room.topic', stateKey: '', sender: carol, content: { topic: 'carol' } }); // deeper, carol below state_default
    expect(at(resolve(a, b), 'm.room.topic')).toBe(t1.eventId);
    const c = base.fork();
    const t3 = c.stateEvent(alice, 'm.room.topic', { topic: 'later' });
    expect(at(resolve(a, c), 'm.room.topic')).toBe(t3.eventId);
  });

  test('equal depth: the lowest sha1(event_id) wins', () => {
    const base = room();
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
    const mk = (id: string) => {
      const event = makeEvent('1', { eventId: id, roomId: base.roomId, type: 'm.room.topic', stateKey: '', sender: alice, content: { topic: id }, depth: 99, authEventIds: [] });
      base.events.set(id, event);
      return event;
    };
    const x = mk('$x1:example.com');
    const y = mk('$y1:example.com');
    const a = base.fork();
    const b = base.fork();
    a.state.set(stateKeyOf('m.room.topic', ''), x.eventId);
    b.state.set(stateKeyOf('m.room.topic', ''), y.eventId);
    const expected = sha1(x.eventId) < sha1(y.eventId) ? x : y;
    expect(at(resolve(a, b), 'm.room.topic')).toBe(expected.eventId);
  });

  test('when none passes, the shallowest is taken (NOTSPEC, as Synapse and Dendrite)', () => {
    const base = room();
    const a = base.fork();
    const b = base.fork();
    const shallow = a.force({ type: 'm.room.name', stateKey: '', sender: carol, content: { name: '1' } });
    b.force({ type: 'm.room.name', stateKey: '', sender: carol, content: { name: '2' } });
    expect(at(resolve(a, b), 'm.room.name')).toBe(shallow.eventId);
  });
});

describe('v1: "A conflict occurs between states where those states have different event_ids"', () => {
  test('a key held by only one state is not a conflict and is kept', () => {
    const base = room();
    const a = base.fork();
    const name = a.force({ type: 'm.room.name', stateKey: '', sender: carol, content: { name: 'x' } });
    expect(at(resolve(a, base), 'm.room.name')).toBe(name.eventId);
  });
});
